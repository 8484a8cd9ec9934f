"""The committed cache of demo results: one readable folder per demo and key.

    _demo_cache/digits_energy-3f2a9c01d4e5b6a7/
        result.json      a DemoRecord (record.py): what ran, its output, energy,
                         machine, date; plus the cache format and a checksum
        reuses.json      how many builds reused the entry (outside the checksum)
        fig-1.svg        the figures of that run
        artifacts/...    small files the demo wrote to $DEMO_ARTIFACTS_DIR

An entry is written into a temporary folder and renamed into place, so a build
that dies half-way leaves no half-written entry; a write that fails leaves
nothing behind and raises OSError. On reading, the checksum of result.json and
the hash of every file are checked, and the files can be copied out at the same
time (`load(..., copy_to=...)`), so a build publishes exactly what it checked
even if the entry changes later. A corrupt entry raises CorruptEntryError and is
run again, never trusted. Failures are never stored.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import sys
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from plugin_core.publishing import sha256_file

from .record import DemoRecord

# How keys and folders are made; the record inside has its own schema number.
CACHE_FORMAT = 1
RECORD_NAME = "result.json"
REUSES_NAME = "reuses.json"  # how many builds used the entry instead of running the demo
# Entry folder names stay well under the 255 bytes a file name may have.
MAX_STEM = 80
ENTRY_NAME = re.compile(r"^(\.tmp-|\.old-)?[A-Za-z0-9_.-]+-[0-9a-f]{16}(-[0-9a-f]{8})?$")


class CorruptEntryError(Exception):
    """A cache entry that cannot be trusted; the message says what is wrong."""


def cache_key(script_sha256: str, data_sha256: dict[str, str], python: str, options: dict[str, Any]) -> str:
    """Hash of everything that changes a demo's result (not the carbon intensity).

    Package versions are checked separately against the ones recorded in the
    entry (see `changed_packages`), because which packages a demo imports is
    only known after it ran.
    """
    inputs = {
        "format": CACHE_FORMAT,
        "script": script_sha256,
        "data": data_sha256,
        "python": python,
        "options": options,
    }
    return hashlib.sha256(_canonical(inputs)).hexdigest()


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


def record_checksum(record: dict[str, Any]) -> str:
    return hashlib.sha256(_canonical({k: v for k, v in record.items() if k != "checksum"})).hexdigest()


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


@cache
def _dist_info_versions() -> dict[str, str]:
    """Versions from the `name-version.dist-info` folder names on sys.path.

    Listing folders costs ~1 ms; importlib.metadata.version reads each METADATA
    file (~1.5 ms a package), which a fully cached build would pay on every run.
    """
    versions: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info") and "-" in name:
                project, _, version = name.removesuffix(".dist-info").rpartition("-")
                versions.setdefault(_normalise(project), version)
    return versions


@cache
def installed_version(distribution: str) -> str | None:
    version = _dist_info_versions().get(_normalise(distribution))
    if version is not None:
        return version
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def changed_packages(recorded: dict[str, str]) -> list[str]:
    """Packages whose installed version differs from the one the cached run used."""
    return [
        f"{name} {version} -> {installed_version(name) or 'not installed'}"
        for name, version in sorted(recorded.items())
        if installed_version(name) != version
    ]


class CacheEntry(NamedTuple):
    folder: Path
    record: DemoRecord
    copy: Path | None = None  # where load() copied the checked files, if asked

    @property
    def files_folder(self) -> Path:
        return self.copy or self.folder

    @property
    def figures(self) -> tuple[Path, ...]:
        return tuple(self.files_folder / name for name in self.record.figures)

    @property
    def artifacts(self) -> dict[str, Path]:
        return {name: self.files_folder / "artifacts" / name for name in self.record.artifacts}


class DemoCache:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def folder_for(self, script: str, key: str) -> Path:
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", Path(script).stem)[:MAX_STEM] or "demo"
        return self.root / f"{stem}-{key[:16]}"

    def load(self, script: str, key: str, copy_to: Path | None = None) -> CacheEntry | None:
        """The entry for `key`, None when there is none; CorruptEntryError when it is damaged.

        With `copy_to`, each file is copied there from the very bytes whose hash was checked.
        """
        folder = self.folder_for(script, key)
        if not folder.exists():
            return None
        try:
            record = json.loads((folder / RECORD_NAME).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CorruptEntryError(f"{folder}: {RECORD_NAME} is missing") from None
        except (OSError, ValueError) as error:
            raise CorruptEntryError(f"{folder / RECORD_NAME}: not valid JSON ({error})") from None
        if not isinstance(record, dict) or record.get("checksum") != record_checksum(record):
            raise CorruptEntryError(f"{folder / RECORD_NAME}: checksum does not match its content")
        if record.get("format") != CACHE_FORMAT or record.get("key") != key:
            raise CorruptEntryError(f"{folder / RECORD_NAME}: written for another key or cache format")
        try:
            parsed = DemoRecord.from_json(record)
        except ValueError as error:
            raise CorruptEntryError(f"{folder / RECORD_NAME}: {error}") from None
        for name, expected in parsed.files.items():
            path = folder / name
            if path.is_symlink():  # a committed link must not publish what it points to
                raise CorruptEntryError(f"{path}: a symbolic link, not a regular file")
            try:
                data = path.read_bytes()
            except OSError:
                raise CorruptEntryError(f"{path}: missing") from None
            if hashlib.sha256(data).hexdigest() != expected:
                raise CorruptEntryError(f"{path}: content does not match its checksum")
            if copy_to is not None:
                (copy_to / name).parent.mkdir(parents=True, exist_ok=True)
                (copy_to / name).write_bytes(data)
        return CacheEntry(folder, parsed, copy_to)

    def store(self, record: DemoRecord, figures: list[Path], artifacts: dict[str, Path]) -> CacheEntry:
        """Write an entry atomically: into a temporary folder, then renamed into place."""
        folder = self.folder_for(record.script, record.key)
        self.root.mkdir(parents=True, exist_ok=True)
        temporary = self.root / f".tmp-{folder.name}-{os.urandom(4).hex()}"
        temporary.mkdir()
        try:
            record = self._write(temporary, record, figures, artifacts)
            self._replace(temporary, folder)
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)  # a full disk must not keep half an entry
            raise
        return CacheEntry(folder, record)

    def _write(
        self, temporary: Path, record: DemoRecord, figures: list[Path], artifacts: dict[str, Path]
    ) -> DemoRecord:
        files: dict[str, str] = {}
        figure_names = []
        for index, source in enumerate(figures, start=1):
            name = f"fig-{index}{source.suffix}"
            shutil.copyfile(source, temporary / name)
            figure_names.append(name)
            files[name] = sha256_file(temporary / name)
        if artifacts:
            (temporary / "artifacts").mkdir()
        for name, source in sorted(artifacts.items()):
            shutil.copyfile(source, temporary / "artifacts" / name)
            files[f"artifacts/{name}"] = sha256_file(temporary / "artifacts" / name)
        record = replace(record, figures=tuple(figure_names), artifacts=tuple(sorted(artifacts)), files=files)
        data = {**record.to_json(), "format": CACHE_FORMAT}
        data["checksum"] = record_checksum(data)
        record_path = temporary / RECORD_NAME
        record_path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return record

    def _replace(self, temporary: Path, folder: Path) -> None:
        if folder.exists():
            old = self.root / f".old-{folder.name}-{os.urandom(4).hex()}"
            os.replace(folder, old)
            try:
                os.replace(temporary, folder)
            except OSError:
                os.replace(old, folder)  # keep the entry that was there
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(temporary, folder)

    def count_reuse(self, entry: CacheEntry) -> int:
        """One more build served `entry` without running it; returns the count so far.

        Kept in `reuses.json` beside the record, outside its checksum: the count
        changes with every build, the result never does. A missing or unreadable
        file counts from zero (the entry was just made, or the count was lost).
        """
        count = self.reuses(entry) + 1
        path = entry.folder / REUSES_NAME
        temporary = path.with_name(f".{REUSES_NAME}.{os.urandom(4).hex()}")
        try:
            temporary.write_text(json.dumps({"reused": count}) + "\n", encoding="utf-8")
            os.replace(temporary, path)
        except OSError:
            temporary.unlink(missing_ok=True)
        return count

    def reuses(self, entry: CacheEntry) -> int:
        try:
            value = json.loads((entry.folder / REUSES_NAME).read_text(encoding="utf-8"))["reused"]
            return max(int(value), 0)
        except (OSError, ValueError, KeyError, TypeError):
            return 0

    def remove(self, folder: Path) -> None:
        shutil.rmtree(folder, ignore_errors=True)

    def prune(self, keep: set[Path]) -> list[Path]:
        """Delete entries not used by this build, and leftovers of interrupted writes."""
        if not self.root.is_dir():
            return []
        removed = []
        for folder in sorted(self.root.iterdir()):
            # Only folders this cache wrote: never anything else someone put there.
            if folder.is_dir() and folder not in keep and ENTRY_NAME.match(folder.name):
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
        return removed
