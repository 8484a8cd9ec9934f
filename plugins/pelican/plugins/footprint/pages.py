"""One pass over each written page: load hashed assets, measure, stamp, write once.

Pelican writes every page on every build, so each must be read, measured and
stamped again: with 1,000 issues that is 1,500 pages a build. Per page this
is one read and one write. What a page's text alone decides (the URLs it
loads, its title, its compressed size) is remembered between builds by a
digest of that text (`PageMemory`), so a page Pelican wrote as before is
neither parsed nor compressed again, and a rebuild costs what it changed.
Remembered figures are exact: a digest names the very bytes measured.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import json
import logging
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plugin_core.compression import GZIP, GZIP_LEVEL, encoded_size
from plugin_core.publishing import write_atomically, write_chunks_atomically

from .assets import AssetHasher
from .footer import has_slot, stamp
from .settings import FootprintSettings
from .transfer import OutputFiles, PageTransfer, Reference, SiteOrigin, html_references, measure_html

logger = logging.getLogger(__name__)

# Bump when html_references or TITLE would read a remembered page differently.
MEMORY_VERSION = 2
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


@dataclass
class PageMemory:
    """Facts about page texts, by digest, kept in a JSON file between builds.

    Only what this build used is written back, so the file stays the size of the site.
    """

    file: Path | None
    encoding: str
    _compressor: str = ""
    _old: dict[str, Any] = field(default_factory=dict)
    _pages: dict[str, tuple[str, int]] = field(default_factory=dict)  # digest -> title, references
    _sizes: dict[str, int] = field(default_factory=dict)  # digest -> bytes on the wire
    own_row: dict[str, Any] | None = None  # the Footprint page's row as last settled
    _shapes: dict[tuple, int] = field(default_factory=dict)  # references -> their number
    _references: list[list[Reference]] = field(default_factory=list)
    _old_shapes: list[tuple] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._compressor = _compressor(self.encoding)
        if self.file is None or not self.file.is_file():
            return
        try:
            old = json.loads(self.file.read_bytes())
        except (OSError, ValueError):
            return  # a damaged memory is only a slower build
        if old.get("version") == MEMORY_VERSION and old.get("compressor") == self._compressor:
            self._old = old
            try:
                self._old_shapes = [tuple((str(u), str(k)) for u, k in shape) for shape in old["shapes"]]
            except (KeyError, TypeError, ValueError):
                return
            self.own_row = old.get("own_row")

    def read(self, data: bytes, text: str) -> tuple[str, list[Reference]]:
        """The raw <title> text and the references of the page `text` (`data` encoded)."""
        key = digest(data)
        found = self._pages.get(key)
        if found is None:
            old = self._old.get("pages", {}).pop(key, None)
            try:
                title, shape = str(old[0]), self._old_shapes[old[1]]
            except (TypeError, IndexError, KeyError):  # not remembered, or not readable
                old = None
            if old is None:
                match = TITLE.search(text)
                title = match.group(1) if match else ""
                shape = tuple((r.url, r.kind) for r in html_references(text))
            # Pages at one depth load the same URLs: one list for all of them.
            if shape not in self._shapes:
                self._shapes[shape] = len(self._shapes)
                self._references.append([Reference(url, kind) for url, kind in shape])
            found = self._pages[key] = (title, self._shapes[shape])
        return found[0], self._references[found[1]]

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

    def save(self) -> None:
        if self.file is None:
            return
        self._old = {}
        head = {"version": MEMORY_VERSION, "compressor": self._compressor, "own_row": self.own_row,
                "shapes": list(self._shapes)}

        def dumps(value: Any) -> bytes:
            return json.dumps(value, separators=(",", ":")).encode("utf-8")

        def chunks() -> Iterator[bytes]:  # entry by entry: never the whole file in memory
            yield dumps(head)[:-1]
            for name, entries in (("pages", self._pages), ("sizes", self._sizes)):
                yield b',"' + name.encode() + b'":{'
                for index, (key, value) in enumerate(entries.items()):
                    yield (b"," if index else b"") + dumps(key) + b":" + dumps(value)
                yield b"}"
            yield b"}"

        try:
            write_chunks_atomically(self.file, chunks())
        except OSError as error:  # a read-only cache folder only makes the next build slower
            logger.warning("footprint: could not remember page sizes in %s: %s", self.file, error)


@dataclass
class PagePass:
    """Everything one build shares while it goes over its pages."""

    origin: SiteOrigin
    settings: FootprintSettings
    site_name: str
    memory: PageMemory
    hasher: AssetHasher | None = None
    files: OutputFiles = field(init=False)

    def __post_init__(self) -> None:
        self.files = OutputFiles(self.origin.output_dir, self.settings.encoding)

    def page(self, path: str) -> tuple[str, PageTransfer]:
        """Read the written page `path`, make it final, write it once; its title and weight."""
        file = self.origin.output_dir / path
        data = file.read_bytes()
        text = data.decode("utf-8", "replace")
        raw_title, references = self.memory.read(data, text)
        new_data, transfer = self.finish_html(text, path, references, data)
        if new_data != data:
            write_atomically(file, new_data)
        return self.title(raw_title, path), transfer

    def finish_html(
        self, text: str, path: str, references: list[Reference] | None = None, data: bytes | None = None
    ) -> tuple[bytes, PageTransfer]:
        """The page's final bytes (hashed assets, stamped footer) and its measured weight."""
        settings = self.settings
        if references is None:
            references = html_references(text)
        if self.hasher is not None:
            rewritten = self.hasher.rewrite(text, path, references)
            if rewritten != text:
                text, data = rewritten, None
                references = self.memory.read(text.encode("utf-8"), text)[1]
        data = data if data is not None else text.encode("utf-8")
        measured = measure_html(data, path, self.origin, settings.encoding, references=references,
                                files=self.files, html_transfer_bytes=self.memory.encoded_size(data))
        if not settings.stamp_footer or not has_slot(text):
            return data, measured
        stamped = stamp(text, measured, settings.encoding, settings.grid_intensity,
                        settings.green_hosting_factor, sizes=self.memory.encoded_size)
        return stamped.html, stamped.transfer

    def title(self, raw: str, path: str) -> str:
        """The page's <title>, without the site's name the theme appends to it."""
        title = " ".join(html_lib.unescape(raw).split())
        for separator in (" · ", " | ", " - ", " — "):
            if self.site_name and title.endswith(separator + self.site_name):
                title = title[: -len(separator + self.site_name)]
        return title or path
