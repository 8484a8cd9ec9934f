"""Results of pure, costly steps kept between builds, keyed by a hash of their inputs.

A warm rebuild should not redo work whose inputs did not change: a widget's
check in MicroPython (a Node process), the prose facts of an unchanged issue.
Each plugin keeps one small JSON file under `.cache/` (git-ignored); a key is
a hash of everything that decides the result (`key(...)`), so a stale entry
can never be looked up, only left unused. An unreadable or corrupt file is
taken as empty: the work is done again and the file rewritten. Only results
are kept, never errors, so an author's mistake is reported on every build.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from pathlib import Path
from typing import Any

from .publishing import write_atomically

logger = logging.getLogger(__name__)

FORMAT = 1  # bump to drop every entry written by an older layout


def key(*parts: str | bytes) -> str:
    """A hash of `parts`, each length-prefixed so ("ab", "c") and ("a", "bc") differ."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


@functools.cache
def source_digest(roots: tuple[Path, ...], suffixes: frozenset[str]) -> str:
    """A `key` of every file with one of `suffixes` under `roots`, by name and bytes:
    code whose change must invalidate what was kept. Worked out once per process."""
    parts: list[str | bytes] = []
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix in suffixes:
                parts += [path.relative_to(root).as_posix(), path.read_bytes()]
    return key(*parts)


class Memo:
    """A JSON file of {key: result}; `save()` keeps only the entries used in this build."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._old = self._load()
        self._used: dict[str, Any] = {}

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_bytes())
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as error:
            logger.info("ignoring the unreadable cache %s (%s): it is rebuilt", self.path, error)
            return {}
        entries = data.get("entries") if isinstance(data, dict) and data.get("format") == FORMAT else None
        return entries if isinstance(entries, dict) else {}

    def get(self, entry: str) -> Any | None:
        """The result stored under `entry`, or None."""
        if entry in self._used:
            return self._used[entry]
        value = self._old.get(entry)
        if value is not None:
            self._used[entry] = value
        return value

    def put(self, entry: str, value: Any) -> None:
        self._used[entry] = value

    def save(self) -> None:
        """Write the entries this build used, if they differ from the file's."""
        if self._used == self._old:
            return
        try:
            data = json.dumps({"format": FORMAT, "entries": self._used}, separators=(",", ":"))
            write_atomically(self.path, data.encode("utf-8"))
        except OSError as error:  # a read-only checkout still builds, only slower next time
            logger.warning("could not write the cache %s: %s", self.path, error)
            return
        self._old = dict(self._used)

    def close(self) -> None:
        """Save, then let go of every entry: for a memo no later step of the build reads,
        so that the footprint's step at the end (the build's peak) does not hold it too."""
        self.save()
        self._old, self._used = {}, {}
