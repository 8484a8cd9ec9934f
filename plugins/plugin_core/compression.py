"""How a web server sends a file: which types it compresses, and how.

One place decides both the bytes precompressed beside each asset (`.gz`,
`.br`: the widgets' runtime, `make publish`) and the sizes the footprint
page counts, so the page reports what the server actually sends. Output is deterministic (gzip
with mtime 0), so a rebuild gives the same bytes and the same figures.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

GZIP = "gzip"
BROTLI = "br"
ENCODINGS = (GZIP, BROTLI)
SUFFIX = {GZIP: ".gz", BROTLI: ".br"}

# Types a server compresses: text, plus WebAssembly (9.6 MB -> 3.5 MB for
# Pyodide's runtime). Images, zips and fonts are already compressed.
COMPRESSIBLE_SUFFIXES = frozenset(
    {".html", ".htm", ".css", ".js", ".mjs", ".json", ".svg", ".xml", ".txt", ".map", ".wasm", ".csv", ".md"}
)
GZIP_LEVEL = 9
BROTLI_QUALITY = 11
# Brotli q11 on Pyodide's 9.6 MB wasm takes ~27 s for ~12 % fewer bytes than
# q9 (1.5 s); above this size we use q9.
BROTLI_LARGE_FILE_BYTES = 1_000_000
BROTLI_LARGE_FILE_QUALITY = 9


def is_compressible(path: Path | str) -> bool:
    return Path(path).suffix.lower() in COMPRESSIBLE_SUFFIXES


def check_encoding(encoding: str) -> str:
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown content encoding {encoding!r}; use one of {', '.join(ENCODINGS)}")
    return encoding


def compress(data: bytes, encoding: str, brotli_quality: int | None = None) -> bytes:
    """The body a server sends with `Content-Encoding: <encoding>`.

    gzip has a fixed mtime, so the same input always gives the same bytes.
    `brotli_quality` None: 11, or 9 above BROTLI_LARGE_FILE_BYTES.
    """
    check_encoding(encoding)
    if encoding == GZIP:
        return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)
    if brotli_quality is None:
        large = len(data) > BROTLI_LARGE_FILE_BYTES
        brotli_quality = BROTLI_LARGE_FILE_QUALITY if large else BROTLI_QUALITY
    import brotli  # imported on first use: most builds count gzip sizes only

    return brotli.compress(data, quality=brotli_quality)


def decompress(body: bytes, encoding: str) -> bytes | None:
    """The content of a precompressed twin, or None if it is not valid `encoding`."""
    if check_encoding(encoding) == GZIP:
        try:
            return gzip.decompress(body)
        except (OSError, EOFError):
            return None
    import brotli

    try:
        return brotli.decompress(body)
    except brotli.error:
        return None


def encoded_size(data: bytes, encoding: str, compressible: bool = True) -> int:
    """Bytes on the wire for `data`: compressed when the type is compressible
    and compressing saves bytes (servers skip it otherwise), else raw."""
    if not compressible or not data:
        return len(data)
    return min(len(data), len(compress(data, encoding)))


def file_transfer_size(path: Path, encoding: str) -> int:
    """Bytes on the wire for the file at `path`, cached by size and mtime.

    A precompressed sibling (`style.css.gz`) at least as new as the file is what
    `gzip_static` / `brotli_static` send, whatever the type (the widgets' stored,
    uncompressed standard-library zip has one), so its size is used as it is.
    """
    stat = path.stat()
    sibling = path.with_name(path.name + SUFFIX[check_encoding(encoding)])
    if sibling.is_file():
        sibling_stat = sibling.stat()
        if sibling_stat.st_mtime_ns >= stat.st_mtime_ns:
            return min(stat.st_size, sibling_stat.st_size)
    if not is_compressible(path) or not stat.st_size:
        return stat.st_size  # sent as it is: no need to read it (a 2 MB zip, say)
    return _cached_file_size(str(path), stat.st_size, stat.st_mtime_ns, encoding)


@lru_cache(maxsize=4096)
def _cached_file_size(path: str, size: int, mtime_ns: int, encoding: str) -> int:
    # size and mtime_ns are part of the key so a rewritten file is measured again.
    return encoded_size(Path(path).read_bytes(), encoding, is_compressible(path))
