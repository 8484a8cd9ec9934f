"""Writing into the output folder: atomically, under content-hashed names, with twins.

- `write_atomically` / `copy_atomically`: a temporary file beside the target,
  renamed into place, so a killed build never leaves a half-written file.
- `hashed_name`: `style.css` -> `style.<sha256[:10]>.css`, a name that never
  changes content, so a server may send it as immutable.
- `publish_bytes` / `publish_file`: a file plus its `.br` and `.gz` twins,
  the bytes nginx's `brotli_static`/`gzip_static` send (see compression).
- `files_in`: the files of a written site, listed in one walk.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import logging
import os
import posixpath
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

from .compression import ENCODINGS, GZIP_LEVEL, SUFFIX, compress

logger = logging.getLogger(__name__)

HASH_LENGTH = 10


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def hashed_name(path: str, data: bytes) -> str:
    """`theme/css/style.css` -> `theme/css/style.<sha256[:10]>.css`."""
    return name_with_digest(path, hashlib.sha256(data).hexdigest())


def name_with_digest(path: str, sha256: str) -> str:
    """hashed_name for a file whose hex SHA-256 is known (see remembered_sha256)."""
    stem, suffix = posixpath.splitext(path)
    return f"{stem}.{sha256[:HASH_LENGTH]}{suffix}"


_temporary_names = itertools.count()


def _replace_with(path: Path, fill: Callable[[int, str], None]) -> None:
    """Make a temporary file beside `path`, let `fill(fd, name)` write it, rename it into place.

    A build replaces every page this way, so it is a handful of system calls:
    the temporary name is unique to this process and call, no random names.
    """
    directory, name = os.path.split(os.fspath(path))
    temporary = os.path.join(directory, f".{name}.{os.getpid()}.{next(_temporary_names)}.tmp")
    try:
        mode = os.stat(path).st_mode & 0o777
    except FileNotFoundError:
        mode = 0o644
        os.makedirs(directory or ".", exist_ok=True)
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        try:
            fill(handle, temporary)
            os.fchmod(handle, mode)
        finally:
            os.close(handle)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so a reader never sees a half-written file."""

    def fill(handle: int, _name: str) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view):]

    _replace_with(Path(path), fill)


def write_chunks_atomically(path: Path, chunks: Iterable[bytes]) -> None:
    """`write_atomically` for data made piece by piece, never held whole."""

    def fill(handle: int, _name: str) -> None:
        with open(handle, "wb", closefd=False) as writer:
            for chunk in chunks:
                writer.write(chunk)

    _replace_with(Path(path), fill)


def copy_atomically(source: Path, path: Path) -> bool:
    """Copy `source` to `path`, keeping its modification time; True when it copied.

    A target with the source's size and modification time is taken as the same
    file (as rsync does), so a rebuild does not read a 13 MB runtime again.
    """
    path, stat = Path(path), Path(source).stat()
    if path.is_file():
        existing = path.stat()
        if existing.st_size == stat.st_size and existing.st_mtime_ns == stat.st_mtime_ns:
            return False

    def fill(handle: int, temporary: str) -> None:
        with open(source, "rb") as reader, open(handle, "wb", closefd=False) as writer:
            shutil.copyfileobj(reader, writer, 1 << 20)
        os.utime(handle, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    _replace_with(path, fill)
    return True


def files_in(folder: Path, suffixes: tuple[str, ...], skipped: tuple[str, ...] = ()) -> list[str]:
    """The folder-relative POSIX paths of the files under `folder` whose names end with
    one of `suffixes`, in the order of their path parts; the folders whose relative path
    (ending in "/") starts with one of `skipped` are not entered.

    A walk with os.scandir, which knows each entry's type without a stat: pathlib's
    rglob took twice as long on a 1,000-issue site, and the plugins list the output
    on every build.
    """
    found: list[str] = []
    pending = [""]
    while pending:
        prefix = pending.pop()
        with os.scandir(folder / prefix if prefix else folder) as entries:
            for entry in entries:
                relative = f"{prefix}{entry.name}"
                if entry.is_dir():
                    if not f"{relative}/".startswith(skipped):
                        pending.append(f"{relative}/")
                elif entry.name.endswith(suffixes):
                    found.append(relative)
    return sorted(found, key=lambda path: path.split("/"))


def twin_path(path: Path, encoding: str) -> Path:
    return path.with_name(path.name + SUFFIX[encoding])


def publish_bytes(data: bytes, path: Path, brotli_quality: int | None = None) -> dict[str, int]:
    """Write `data` to `path` with its `.br` and `.gz` twins; return the sizes by encoding."""
    path = Path(path)
    if not (path.is_file() and path.read_bytes() == data):
        write_atomically(path, data)
    sizes = {"raw": len(data)}
    for encoding in ENCODINGS:
        twin = twin_path(path, encoding)
        if not twin.is_file() or twin.stat().st_mtime < path.stat().st_mtime:
            write_atomically(twin, compress(data, encoding, brotli_quality))
        sizes[encoding] = twin.stat().st_size
    return sizes


def publish_file(
    source: Path, path: Path, cache_dir: Path, brotli_quality: int | None = None
) -> dict[str, int]:
    """Copy a large `source` to `path` with its twins; return the sizes by encoding.

    Compressing a 9.6 MB `.wasm` at brotli quality 11 takes tens of seconds, so
    each compressed copy is kept in `cache_dir` under the SHA-256 of its source:
    a rebuild, or a fresh output folder, only copies.
    """
    digest = remembered_sha256(Path(source), Path(cache_dir))
    copy_atomically(source, path)
    sizes = {"raw": Path(path).stat().st_size}
    for encoding in ENCODINGS:
        level = GZIP_LEVEL if encoding == "gzip" else brotli_quality
        cached = Path(cache_dir) / f"{digest}.q{level}{SUFFIX[encoding]}"
        if not cached.is_file():
            logger.info("compressing %s (%s)", Path(source).name, encoding)
            write_atomically(cached, compress(Path(source).read_bytes(), encoding, brotli_quality))
        twin = twin_path(Path(path), encoding)
        copy_atomically(cached, twin)
        _not_older(twin, Path(path))
        sizes[encoding] = twin.stat().st_size
    return sizes


def _not_older(twin: Path, path: Path) -> None:
    """A twin from the cache keeps the cache's date; a server (and the footprint) take a twin
    older than its file for a stale one, so it gets the file's date when it is older."""
    file_ns, twin_ns = path.stat().st_mtime_ns, twin.stat().st_mtime_ns
    if twin_ns < file_ns:
        os.utime(twin, ns=(file_ns, file_ns))


def remembered_sha256(source: Path, cache_dir: Path) -> str:
    """The SHA-256 of `source`, read again only when its size or modification time changed.

    Hashing the 13 MB runtime on every build cost more than the rest of the
    widgets plugin; a note per source file in `cache_dir` remembers it (a
    reinstalled package with the same bytes costs one hash, no compression).
    """
    stat = source.stat()
    key = hashlib.sha256(os.fsencode(source.resolve())).hexdigest()[:16]
    note = cache_dir / "sources" / f"{key}.json"
    seen = [stat.st_size, stat.st_mtime_ns]
    try:
        remembered = json.loads(note.read_bytes())
        if remembered["seen"] == seen:
            return remembered["sha256"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    digest = sha256_file(source)
    write_atomically(note, json.dumps({"seen": seen, "sha256": digest}).encode("utf-8"))
    return digest
