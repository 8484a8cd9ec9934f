"""Delivery of static assets: content-hashed names and precompressed copies.

Hashing: every stylesheet and script a page loads gets a copy named after its
content (`style.css` -> `style.1a2b3c4d5e.css`), and the pages (and
stylesheets that `@import` it) are rewritten to load the copy. A hashed name
never changes content, so a server can send it with `Cache-Control:
immutable` and a returning reader downloads nothing. The unhashed original
stays in place, so a URL we did not rewrite (inside a script, a bookmark)
still works; it is served with ordinary caching.

Precompression: every compressible file gets `.gz` and `.br` siblings made
with the same settings the footprint page assumes, so nginx `gzip_static` /
`brotli_static` send exactly the bytes the page reports.
"""

from __future__ import annotations

import logging
import posixpath
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from plugin_core.compression import ENCODINGS, SUFFIX, compress, decompress, is_compressible
from plugin_core.publishing import HASH_LENGTH, files_in, hashed_name, write_atomically

from .transfer import Reference, Resource, SiteOrigin, css_references, html_references

logger = logging.getLogger(__name__)

HASHABLE_SUFFIXES = frozenset({".css", ".js", ".mjs"})
HASHED_NAME = re.compile(rf"\.[0-9a-f]{{{HASH_LENGTH}}}(\.(?:css|js|mjs))$")
URL_ATTRIBUTE = re.compile(r"""(\b(?:href|src)\s*=\s*)(["'])([^"']*)\2""", re.IGNORECASE)
# An href/src attribute ending just before a URL found by a literal search.
_ATTRIBUTE_BEFORE = re.compile(r"""\b(?:href|src)\s*=\s*(["'])\Z""", re.IGNORECASE)
_ESCAPED = frozenset("&<>\"'")
CSS_IMPORT_OR_URL = re.compile(
    r"""(@import\s+(?:url\(\s*)?|url\(\s*)(["']?)([^"')\s;]+)\2""", re.IGNORECASE
)


def is_hashed(path: str) -> bool:
    return bool(HASHED_NAME.search(path))


def hash_assets(pages: list[str], origin: SiteOrigin) -> dict[str, str]:
    """Give every stylesheet and script the pages load a content-hashed copy and
    rewrite the pages to use it. Returns {original path: hashed path}."""
    hasher = AssetHasher(origin)
    for page in pages:
        file = origin.output_dir / page
        text = file.read_text("utf-8")
        new_text = hasher.rewrite(text, page, html_references(text))
        if new_text != text:
            write_atomically(file, new_text.encode("utf-8"))
    if hasher.renamed:
        logger.info("footprint: %d asset(s) given content-hashed names", len(hasher.renamed))
    return hasher.renamed


class AssetHasher:
    """Hashed copies made the first time a page loads an asset, and pages rewritten to load them.

    A page is rewritten for what it loads itself, so its bytes depend only on
    its own text and the assets' contents, never on the order pages come in.
    """

    def __init__(self, origin: SiteOrigin) -> None:
        self.origin = origin
        self.renamed: dict[str, str] = {}
        self._not_hashable: set[str] = set()
        self._patterns: dict[str, re.Pattern[str]] = {}

    def hashed(self, target: str | None) -> str | None:
        """The hashed copy's path for `target`, made if needed; None if it gets none."""
        if target is None or target in self._not_hashable:
            return None
        if target not in self.renamed:
            if not _hashable(target, self.origin.output_dir):
                self._not_hashable.add(target)
                return None
            _hash_one(target, self.origin, self.renamed, visiting=set())
        return self.renamed[target]

    def rewrite(self, text: str, page: str, references: list[Reference]) -> str:
        """`text` (the page at `page`, loading `references`) loading the hashed copies."""
        urls = {}
        for reference in references:
            if reference.url not in urls and self.hashed(self.origin.resolve(reference.url, page)):
                urls[reference.url] = None
        if not urls:
            return text
        if any(set(url) & _ESCAPED for url in urls):  # the markup spells it otherwise
            targets = {self.origin.resolve(url, page) for url in urls}
            own = {target: self.renamed[target] for target in targets}
            return _rewritten(text, page, self.origin, own, URL_ATTRIBUTE)
        for url in urls:
            text = self._rewrite_url(text, page, url)
        return text

    def final_references(self, references: list[Reference], page: str) -> list[Reference]:
        """What the page at `page`, loading `references`, loads once `rewrite` has run."""
        final = []
        for reference in references:
            hashed = self.hashed(self.origin.resolve(reference.url, page))
            if hashed:
                reference = Reference(_hashed_url(reference.url, hashed), reference.kind)
            final.append(reference)
        return final

    def undone(self, text: str, page: str, references: list[Reference], loaded: Iterable[Resource]) -> str:
        """`text`, rewritten by an earlier build to load the hashed copies among `loaded`,
        loading the originals it referred to as `references` again."""
        hashed = {HASHED_NAME.sub(r"\1", resource.path): resource.path for resource in loaded
                  if is_hashed(resource.path)}
        for url in dict.fromkeys(reference.url for reference in references):
            target = self.origin.resolve(url, page)
            if target in hashed:
                old = _hashed_url(url, hashed[target])
                for quote in "\"'":
                    text = text.replace(f"{quote}{old}{quote}", f"{quote}{url}{quote}")
        return text

    def _rewrite_url(self, text: str, page: str, url: str) -> str:
        """Every href/src attribute whose value is `url`, loading the hashed copy instead.

        Searching for the URL itself is a fast literal search; the attribute name
        before it is checked only where the URL is found.
        """
        if url not in self._patterns:
            self._patterns[url] = re.compile(re.escape(url) + r"""(?=["'])""")
        new_url = _hashed_url(url, self.renamed[self.origin.resolve(url, page)])
        pieces, last = [], 0
        for match in self._patterns[url].finditer(text):
            before = _ATTRIBUTE_BEFORE.search(text, max(0, match.start() - 64), match.start())
            if before is None or text[match.end()] != before.group(1):
                continue
            pieces += [text[last:match.start()], new_url]
            last = match.end()
        return "".join(pieces) + text[last:] if pieces else text


def _hashable(target: str | None, output: Path) -> bool:
    return (
        target is not None
        and posixpath.splitext(target)[1].lower() in HASHABLE_SUFFIXES
        and not is_hashed(target)
        and (output / target).is_file()
    )


def _hash_one(target: str, origin: SiteOrigin, renamed: dict[str, str], visiting: set[str]) -> None:
    """Hash `target` after the stylesheets it imports (their names are in its bytes)."""
    if target in renamed or target in visiting:
        return
    visiting.add(target)
    file = origin.output_dir / target
    content = file.read_bytes()
    if target.lower().endswith(".css"):
        for reference in css_references(content.decode("utf-8", "replace")):
            child = origin.resolve(reference.url, target)
            if _hashable(child, origin.output_dir) and child.endswith(".css"):
                _hash_one(child, origin, renamed, visiting)
        content = _rewritten(content.decode("utf-8"), target, origin, renamed,
                             CSS_IMPORT_OR_URL).encode("utf-8")
    new_path = hashed_name(target, content)
    destination = origin.output_dir / new_path
    if not destination.is_file() or destination.read_bytes() != content:
        write_atomically(destination, content)
    _remove_stale_copies(file, destination)
    renamed[target] = new_path


def _remove_stale_copies(original: Path, current: Path) -> None:
    """Drop hashed copies left by earlier builds (and their compressed siblings)."""
    stem, suffix = original.stem, original.suffix
    pattern = re.compile(
        rf"{re.escape(stem)}\.[0-9a-f]{{{HASH_LENGTH}}}{re.escape(suffix)}(\.gz|\.br)?"
    )
    for sibling in original.parent.iterdir():
        if pattern.fullmatch(sibling.name) and not sibling.name.startswith(current.name):
            sibling.unlink()


def _rewritten(text: str, referrer: str, origin: SiteOrigin, renamed: dict[str, str],
               pattern: re.Pattern[str]) -> str:
    def replace(match: re.Match[str]) -> str:
        url = match.group(3)
        target = origin.resolve(url, referrer)
        if target not in renamed:
            return match.group(0)
        return f"{match.group(1)}{match.group(2)}{_hashed_url(url, renamed[target])}{match.group(2)}"

    return pattern.sub(replace, text)


def _hashed_url(url: str, hashed_path: str) -> str:
    """`url` pointing at the hashed copy `hashed_path` (same folder, query and fragment)."""
    parts = urlsplit(url)
    new_path = posixpath.join(posixpath.dirname(parts.path), posixpath.basename(hashed_path))
    return parts._replace(path=new_path).geturl()


def rewrite_html(html: str, referrer: str, origin: SiteOrigin, renamed: dict[str, str]) -> str:
    """`html` (the page at `referrer`) loading the hashed copies in `renamed`."""
    return _rewritten(html, referrer, origin, renamed, URL_ATTRIBUTE)


def _rewrite_file(file: Path, relative: str, origin: SiteOrigin, renamed: dict[str, str],
                  pattern: re.Pattern[str]) -> None:
    text = file.read_text("utf-8")
    new_text = _rewritten(text, relative, origin, renamed, pattern)
    if new_text != text:
        write_atomically(file, new_text.encode("utf-8"))


def precompress(output_dir: Path, encodings: tuple[str, ...] = ENCODINGS) -> int:
    """Write `.gz`/`.br` beside every compressible file that compression makes
    smaller (a valid twin already there is kept). Returns how many were written."""
    written = 0
    for file in sorted(output_dir.rglob("*")):
        # A .gz/.br whose file is gone is left alone: it may be a download of the
        # site's own; `make publish` starts from an empty output anyway.
        if not file.is_file() or file.suffix in {".gz", ".br"} or not is_compressible(file):
            continue
        data = file.read_bytes()
        for encoding in encodings:
            sibling = file.with_name(file.name + SUFFIX[encoding])
            if sibling.is_file() and decompress(sibling.read_bytes(), encoding) == data:
                continue  # a valid twin already (e.g. the widgets plugin's): keep it
            body = compress(data, encoding)
            if len(body) >= len(data):
                sibling.unlink(missing_ok=True)  # a server would send the file as is
                continue
            write_atomically(sibling, body)
            written += 1
    logger.info("footprint: precompressed %d file(s) (%s)", written, ", ".join(encodings))
    return written


def remove_stale_twins(output_dir: Path, encodings: tuple[str, ...] = ENCODINGS) -> int:
    """Delete `.gz`/`.br` copies that no longer match their file.

    A `make html` over the output of `make publish` rewrites pages but not their
    compressed twins; a server with gzip_static would then send the old page.
    """
    removed = 0
    by_suffix = {SUFFIX[encoding]: encoding for encoding in encodings}
    for relative in files_in(output_dir, tuple(by_suffix)):
        suffix = next(suffix for suffix in by_suffix if relative.endswith(suffix))
        twin = output_dir / relative
        original = twin.with_name(twin.name[: -len(suffix)])
        if not original.is_file() or twin.stat().st_mtime >= original.stat().st_mtime:
            continue
        if decompress(twin.read_bytes(), by_suffix[suffix]) != original.read_bytes():
            twin.unlink()
            removed += 1
    if removed:
        logger.info("footprint: removed %d stale compressed copies", removed)
    return removed
