"""Write published files atomically, with precompressed ``.br`` and ``.gz`` twins.

Compressing Pyodide's 9.6 MB ``.wasm`` with brotli at quality 11 takes tens of
seconds, so every compressed copy is cached outside the output folder under
the SHA-256 of its source: a rebuild, or a fresh output folder, only copies.
No Pelican import here.
"""

from __future__ import annotations

import filecmp
import gzip
import hashlib
import logging
import os
import shutil
import tempfile
from pathlib import Path

import brotli

logger = logging.getLogger(__name__)

COMPRESSED_SUFFIXES = ("br", "gz")
GZIP_LEVEL = 9


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _atomic_write(dest: Path, data: bytes) -> None:
    """Write to a temporary file beside ``dest`` and rename: no half-written output."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _atomic_copy(src: Path, dest: Path) -> bool:
    """Copy unless ``dest`` already has the same bytes; True when it copied."""
    if dest.is_file() and filecmp.cmp(src, dest, shallow=False):
        return False
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.")
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def compress(data: bytes, suffix: str, brotli_quality: int) -> bytes:
    """Compressed bytes for a ``.br`` or ``.gz`` twin (gzip with a fixed mtime: reproducible)."""
    if suffix == "br":
        return brotli.compress(data, quality=brotli_quality)
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


def cached_compressed(src: Path, digest: str, suffix: str, cache_dir: Path, brotli_quality: int) -> Path:
    """Path of the compressed copy of ``src`` in the cache, making it if missing."""
    level = brotli_quality if suffix == "br" else GZIP_LEVEL
    cached = cache_dir / f"{digest}.q{level}.{suffix}"
    if not cached.is_file():
        logger.info("pyodide_widgets: compressing %s (%s)", src.name, suffix)
        _atomic_write(cached, compress(src.read_bytes(), suffix, brotli_quality))
    return cached


def publish_file(src: Path, dest: Path, cache_dir: Path, brotli_quality: int) -> dict[str, int]:
    """Copy ``src`` to ``dest`` plus ``dest.br`` and ``dest.gz``; return their sizes by suffix."""
    digest = sha256_file(src)
    _atomic_copy(src, dest)
    sizes = {"raw": dest.stat().st_size}
    for suffix in COMPRESSED_SUFFIXES:
        cached = cached_compressed(src, digest, suffix, cache_dir, brotli_quality)
        twin = dest.with_name(f"{dest.name}.{suffix}")
        _atomic_copy(cached, twin)
        sizes[suffix] = twin.stat().st_size
    return sizes


def publish_bytes(data: bytes, dest: Path, brotli_quality: int) -> None:
    """Write small generated data (loader, widget code, weights) with its twins."""
    if not (dest.is_file() and dest.read_bytes() == data):
        _atomic_write(dest, data)
    for suffix in COMPRESSED_SUFFIXES:
        twin = dest.with_name(f"{dest.name}.{suffix}")
        if not twin.is_file() or twin.stat().st_mtime < dest.stat().st_mtime:
            _atomic_write(twin, compress(data, suffix, brotli_quality))


def hashed_name(stem: str, suffix: str, data: bytes) -> str:
    """``stem.<10 hex of sha256>.suffix``: a new name whenever the content changes."""
    return f"{stem}.{hashlib.sha256(data).hexdigest()[:10]}.{suffix}"
