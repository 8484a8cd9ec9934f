"""What a build remembers about its pages for the next one, in one JSON file.

- By digest of a page's text: its <title>, the URLs it loads, its compressed size.
  A page Pelican wrote as before is neither parsed nor compressed again.
- By path: each page as the footprint finished it: the digest of what Pelican had
  rendered, the finished file's size and modification time, and its measured weight.
  A page rendered as before whose file is still that one is not written again
  (`writer`), and its weight is reused when nothing it loads has changed (`pages`).

Remembered figures are exact: a digest names the very bytes measured, and a file
is taken as unchanged only with its size and nanosecond modification time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from plugin_core.compression import GZIP, GZIP_LEVEL, encoded_size
from plugin_core.publishing import write_chunks_atomically

from .transfer import PageTransfer, Reference, Resource, html_references

logger = logging.getLogger(__name__)

# Bump when html_references or TITLE would read a remembered page differently.
MEMORY_VERSION = 3
TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def digest(data: bytes) -> str:
    """96 bits of SHA-1: ample to tell a site's pages apart, and short to keep."""
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()[:24]


def _compressor(encoding: str) -> str:
    """What a remembered size depends on besides the bytes: the encoder and its settings."""
    if encoding == GZIP:
        return f"gzip-{GZIP_LEVEL}-zlib-{zlib.ZLIB_RUNTIME_VERSION}"
    import brotli  # only a site that counts brotli sizes needs it

    return f"br-{getattr(brotli, '__version__', '?')}"


def memory_file(cache_path: Path | None, output: Path) -> Path | None:
    """One file per output folder: two sites built from one project keep their own."""
    if cache_path is None:
        return None
    return cache_path / f"pages-{digest(str(output).encode('utf-8'))[:16]}.json"


class FinishedPage(NamedTuple):
    """A page as the footprint left it in the output folder."""

    rendered: str  # digest of the page as Pelican rendered it
    size: int  # the finished file's size and modification time, as written
    mtime_ns: int
    html_raw_bytes: int
    html_transfer_bytes: int
    resources: tuple[Resource, ...]

    def is_file(self, file: str | Path) -> bool:
        try:
            stat = os.stat(file)
        except OSError:
            return False
        return stat.st_size == self.size and stat.st_mtime_ns == self.mtime_ns


@dataclass
class PageMemory:
    """Facts about page texts and finished pages, kept in a JSON file between builds.

    Only what this build used is written back, so the file stays the size of the site.
    """

    file: Path | None
    encoding: str
    context: str = ""  # what else finished pages depended on last build (after_build)
    own_row: dict[str, Any] | None = None  # the Footprint page's row as last settled
    _compressor: str = ""
    _old: dict[str, Any] = field(default_factory=dict)
    _pages: dict[str, tuple[str, int]] = field(default_factory=dict)  # digest -> title, references
    _sizes: dict[str, int] = field(default_factory=dict)  # digest -> bytes on the wire
    _shapes: dict[tuple, int] = field(default_factory=dict)  # references -> their number
    _references: list[list[Reference]] = field(default_factory=list)
    _old_shapes: list[tuple] = field(default_factory=list)
    _finished: dict[str, FinishedPage] = field(default_factory=dict)  # path -> as finished
    _old_finished: dict[str, FinishedPage] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._compressor = _compressor(self.encoding)
        if self.file is None or not self.file.is_file():
            return
        try:
            old = json.loads(self.file.read_bytes())
        except (OSError, ValueError):
            return  # a damaged memory is only a slower build
        if old.get("version") != MEMORY_VERSION or old.get("compressor") != self._compressor:
            return
        try:
            self._old_shapes = [tuple((str(u), str(k)) for u, k in shape) for shape in old["shapes"]]
            resources = [tuple(Resource(str(p), str(k), int(r), int(t)) for p, k, r, t in group)
                         for group in old["resources"]]
            finished = {str(path): FinishedPage(str(entry[0]), int(entry[1]), int(entry[2]), int(entry[3]),
                                                int(entry[4]), resources[entry[5]])
                        for path, entry in old["finished"].items()}
        except (KeyError, TypeError, ValueError, IndexError):
            return
        del old["finished"], old["resources"], old["shapes"]  # held as FinishedPage from here on
        self._old, self._old_finished = old, finished
        self.own_row = old.get("own_row")
        self.context = str(old.get("context", ""))

    def known(self, key: str) -> tuple[str, list[Reference]] | None:
        """The raw <title> text and the references of the page whose digest is `key`, if known."""
        found = self._pages.get(key)
        if found is None:
            old = self._old.get("pages", {}).pop(key, None)
            try:
                title, shape = str(old[0]), self._old_shapes[old[1]]
            except (TypeError, IndexError, KeyError):  # not remembered, or not readable
                return None
            found = self._remember(key, title, shape)
        return found[0], self._references[found[1]]

    def read(self, data: bytes, text: str, key: str | None = None) -> tuple[str, list[Reference]]:
        """The raw <title> text and the references of the page `text` (`data` encoded)."""
        key = key or digest(data)
        found = self.known(key)
        if found is None:
            match = TITLE.search(text)
            self._remember(key, match.group(1) if match else "",
                           tuple((r.url, r.kind) for r in html_references(text)))
            found = self.known(key)
        return found  # type: ignore[return-value]

    def _remember(self, key: str, title: str, shape: tuple) -> tuple[str, int]:
        # Pages at one depth load the same URLs: one list for all of them.
        if shape not in self._shapes:
            self._shapes[shape] = len(self._shapes)
            self._references.append([Reference(url, kind) for url, kind in shape])
        found = self._pages[key] = (title, self._shapes[shape])
        return found

    def encoded_size(self, data: bytes) -> int:
        """`compression.encoded_size` of an HTML page, remembered by its digest."""
        key = digest(data)
        size = self._sizes.get(key)
        if size is None:
            size = self._old.get("sizes", {}).pop(key, None)
            if size is None:
                size = encoded_size(data, self.encoding)
            self._sizes[key] = size
        return size

    def finished_page(self, path: str) -> FinishedPage | None:
        """The page at `path` as last build finished it."""
        return self._finished.get(path) or self._old_finished.get(path)

    def is_finished(self, path: str, rendered: str, file: str | Path) -> bool:
        """Whether `file` is still the page last build finished from the rendering `rendered`."""
        old = self.finished_page(path)
        return old is not None and old.rendered == rendered and old.is_file(file)

    def keep(self, path: str) -> None:
        """Remember the page at `path` as last build finished it (it was not touched)."""
        old = self.finished_page(path)
        if old is not None:
            self._finished[path] = old
            self.known(old.rendered)

    def finish(self, path: str, rendered: str, file: Path, transfer: PageTransfer) -> None:
        """Remember the page at `path`, just written to `file` from the rendering `rendered`."""
        stat = file.stat()
        self._finished[path] = FinishedPage(rendered, stat.st_size, stat.st_mtime_ns, transfer.html_raw_bytes,
                                            transfer.html_transfer_bytes, transfer.resources)

    def save(self) -> None:
        if self.file is None:
            return
        self._old = {}
        groups: dict[tuple[Resource, ...], int] = {}
        for page in self._finished.values():
            groups.setdefault(page.resources, len(groups))
        head = {"version": MEMORY_VERSION, "compressor": self._compressor, "own_row": self.own_row,
                "context": self.context, "shapes": list(self._shapes),
                "resources": [[[r.path, r.kind, r.raw_bytes, r.transfer_bytes] for r in group]
                              for group in groups]}
        finished = {path: [p.rendered, p.size, p.mtime_ns, p.html_raw_bytes, p.html_transfer_bytes,
                           groups[p.resources]] for path, p in self._finished.items()}

        def dumps(value: Any) -> bytes:
            return json.dumps(value, separators=(",", ":")).encode("utf-8")

        def chunks() -> Iterator[bytes]:  # entry by entry: never the whole file in memory
            yield dumps(head)[:-1]
            for name, entries in (("pages", self._pages), ("sizes", self._sizes), ("finished", finished)):
                yield b',"' + name.encode() + b'":{'
                for index, (key, value) in enumerate(entries.items()):
                    yield (b"," if index else b"") + dumps(key) + b":" + dumps(value)
                yield b"}"
            yield b"}"

        try:
            write_chunks_atomically(self.file, chunks())
        except OSError as error:  # a read-only cache folder only makes the next build slower
            logger.warning("footprint: could not remember page sizes in %s: %s", self.file, error)
