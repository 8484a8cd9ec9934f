"""Results of pure, costly steps kept between builds, keyed by a hash of their inputs.

A warm rebuild should not redo work whose inputs did not change: a widget's
check in MicroPython (a Node process), the prose facts of an unchanged issue.
Each plugin keeps one small file of JSON lines under `.cache/` (git-ignored); a key is
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

FORMAT = 2  # bump to drop every entry written by an older layout
HEADER = f'{{"format":{FORMAT}}}\n'  # the first line; then one `key<TAB>JSON` line per entry


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
        found = ((path.relative_to(root).as_posix(), path)
                 for path in root.rglob("*") if path.suffix in suffixes)
        for name, path in sorted(found):  # by name: comparing Path objects cost more than reading
            if path.is_file():
                parts += [name, path.read_bytes()]
    return key(*parts)


class Memo:
    """A file of {key: result}, one line per entry; `save()` keeps only the entries used in this build.

    Each result stays JSON text until it is asked for (`get`), and an entry only
    kept (`keep`) is never parsed: a 1,000-issue site's email memo, parsed whole,
    was 1.6 MB of objects, most of them copied straight into the build's records,
    and its parse was the highest point of the build's memory.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._old = self._load()
        self._used: dict[str, str] = {}

    def _load(self) -> dict[str, str]:
        """The file's entries as text, read line by line so that it is never held twice."""
        entries: dict[str, str] = {}
        try:
            with self.path.open(encoding="utf-8", newline="\n") as lines:
                if lines.readline() != HEADER:
                    return {}  # empty, or written by another layout: the work is done again
                for line in lines:
                    entry, tab, text = line.rstrip("\n").partition("\t")
                    if not tab:
                        raise ValueError(f"line {len(entries) + 2} is not a key, a tab and a result")
                    entries[entry] = text
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as error:  # UnicodeDecodeError is a ValueError
            logger.info("ignoring the unreadable cache %s (%s): it is rebuilt", self.path, error)
            return {}
        return entries

    def get(self, entry: str) -> Any | None:
        """The result stored under `entry`, or None; a new object on every call."""
        text = self._used.get(entry) or self._old.get(entry)
        if text is None:
            return None
        try:
            value = json.loads(text)
        except ValueError:
            logger.info("ignoring a damaged entry of the cache %s: it is rebuilt", self.path)
            return None
        if value is not None:
            self._used[entry] = text
        return value

    def keep(self, entry: str) -> None:
        """Keep the result under `entry`, if any, without reading it: for a later build."""
        text = self._used.get(entry) or self._old.get(entry)
        if text is not None:
            self._used[entry] = text

    def put(self, entry: str, value: Any) -> None:
        if "\t" in entry or "\n" in entry:
            raise ValueError(f"a memo key is one line without tabs (use memo.key): {entry!r}")
        self._used[entry] = json.dumps(value, separators=(",", ":"))  # ASCII: no tab, no newline

    def save(self) -> None:
        """Write the entries this build used, if they differ from the file's."""
        if self._used == self._old:
            return
        try:
            lines = [HEADER, *(f"{entry}\t{text}\n" for entry, text in self._used.items())]
            write_atomically(self.path, "".join(lines).encode("utf-8"))
        except OSError as error:  # a read-only checkout still builds, only slower next time
            logger.warning("could not write the cache %s: %s", self.path, error)
            return
        self._old = dict(self._used)

    def close(self) -> None:
        """Save, then let go of every entry: for a memo no later step of the build reads,
        so that the footprint's step at the end (the build's peak) does not hold it too."""
        self.save()
        self._old, self._used = {}, {}
