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
from pathlib import Path
from urllib.parse import urlsplit

from plugin_core.compression import ENCODINGS, SUFFIX, compress, decompress, is_compressible
from plugin_core.publishing import HASH_LENGTH, hashed_name, write_atomically

from .transfer import SiteOrigin, css_references, html_references

logger = logging.getLogger(__name__)

HASHABLE_SUFFIXES = frozenset({".css", ".js", ".mjs"})
HASHED_NAME = re.compile(rf"\.[0-9a-f]{{{HASH_LENGTH}}}(\.(?:css|js|mjs))$")
URL_ATTRIBUTE = re.compile(r"""(\b(?:href|src)\s*=\s*)(["'])([^"']*)\2""", re.IGNORECASE)
CSS_IMPORT_OR_URL = re.compile(
    r"""(@import\s+(?:url\(\s*)?|url\(\s*)(["']?)([^"')\s;]+)\2""", re.IGNORECASE
)


def is_hashed(path: str) -> bool:
    return bool(HASHED_NAME.search(path))


def hash_assets(pages: list[str], origin: SiteOrigin) -> dict[str, str]:
    """Give every stylesheet and script the pages load a content-hashed copy and
    rewrite the pages to use it. Returns {original path: hashed path}."""
    output = origin.output_dir
    targets: dict[str, None] = {}
    for page in pages:
        html = (output / page).read_text("utf-8")
        for reference in html_references(html):
            target = origin.resolve(reference.url, page)
            if _hashable(target, output):
                targets[target] = None
    renamed: dict[str, str] = {}
    for target in list(targets):
        _hash_one(target, origin, renamed, visiting=set())
    for page in pages:
        _rewrite_file(output / page, page, origin, renamed, URL_ATTRIBUTE)
    if renamed:
        logger.info("footprint: %d asset(s) given content-hashed names", len(renamed))
    return renamed


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
        parts = urlsplit(url)
        new_basename = posixpath.basename(renamed[target])
        new_path = posixpath.join(posixpath.dirname(parts.path), new_basename)
        new_url = parts._replace(path=new_path).geturl()
        return f"{match.group(1)}{match.group(2)}{new_url}{match.group(2)}"

    return pattern.sub(replace, text)


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
    for encoding in encodings:
        for twin in sorted(output_dir.rglob(f"*{SUFFIX[encoding]}")):
            original = twin.with_name(twin.name[: -len(SUFFIX[encoding])])
            if not original.is_file() or twin.stat().st_mtime >= original.stat().st_mtime:
                continue
            if decompress(twin.read_bytes(), encoding) != original.read_bytes():
                twin.unlink()
                removed += 1
    if removed:
        logger.info("footprint: removed %d stale compressed copies", removed)
    return removed
