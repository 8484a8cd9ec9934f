"""Posts read once: the HTML and metadata Markdown made of an unchanged post, kept between builds.

Converting Markdown is most of what Pelican does: half of a 1,000-issue build,
a tenth of a 6-issue one. A post whose text has not changed converts to the
same HTML, so `SourceAwareMarkdownReader` keeps what each post converted to
and converts only posts that are new or changed. Pelican has a content cache
of its own (CACHE_CONTENT), but it is keyed on the file alone, pickles
Pelican's objects (and with them the settings), and a damaged file stops the
build; this one is keyed on everything a conversion depends on:

* the post's text (the key of its entry);
* the settings, the working folder (error messages name files relative to
  it), the versions of Pelican, Python-Markdown and Pygments, and the plugins'
  loaded modules (a change to any selects another file: `environment_key`);
* the files a directive found (a demo's script, a widget's module): an entry
  is used only while they are all still there (`note_found`).

A read that reported a content error is never kept, so an author's mistake is
reported on every build. What is kept is plain JSON, a file per post in
`.cache/reads/<environment>/`: an unreadable or damaged file only means
converting that post again. Metadata is kept as
the text Markdown's `meta` extension found and converted again into values on
every read (dates, tags), so their checks and errors are those of Pelican.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import os
import re
import shutil
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from .memo import key
from .publishing import write_atomically

logger = logging.getLogger(__name__)

KEPT_FOLDERS = 3  # a folder per set of settings: `make html` and `make publish` each keep theirs
ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")  # in reprs of objects: differs on every run

_found: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("found", default=None)
_in_use: ReadCache | None = None  # the cache of the build that is reading, if any (the core sets it)


class Kept(NamedTuple):
    """What one post's text converted to."""

    content: str
    meta: dict[str, list[str]] | None  # what the `meta` extension read, before Pelican's processing
    formatted: dict[str, str]  # each formatted field's text (FORMATTED_FIELDS: the summary) -> its HTML


def note_found(path: Path) -> None:
    """A directive found the file `path`: a post read while it was there is read again once it is not."""
    found = _found.get()
    if found is not None:
        found.append(str(path))


@contextlib.contextmanager
def noting_found_files() -> Iterator[list[str]]:
    """The files directives find during the block (see `note_found`)."""
    found: list[str] = []
    token = _found.set(found)
    try:
        yield found
    finally:
        _found.reset(token)


class ReadCache:
    """The posts read in earlier builds with the same environment: one small JSON file
    per post, named by a key of its text, so that a build holds only the one it reads."""

    def __init__(self, folder: Path, environment: str) -> None:
        self.root = folder
        self.folder = folder / environment[:24]
        self.used: set[str] = set()
        self.read, self.kept = 0, 0

    def get(self, text: str) -> Kept | None:
        self.read += 1
        name = self._name(text)
        self.used.add(name)
        try:
            entry = json.loads((self.folder / name).read_bytes())
            content, meta, formatted, found = entry
        except (OSError, ValueError, TypeError):  # none yet, or damaged: converted again
            return None
        if not (isinstance(content, str) and isinstance(meta, dict | None) and isinstance(formatted, dict)
                and isinstance(found, list) and all(isinstance(path, str) for path in found)):
            return None
        if not all(os.path.isfile(path) for path in found):
            return None
        self.kept += 1
        return Kept(content, meta, formatted)

    def put(self, text: str, kept: Kept, found: list[str]) -> None:
        entry = json.dumps([kept.content, kept.meta, kept.formatted, found], separators=(",", ":"))
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomically(self.folder / self._name(text), entry.encode("utf-8"))
        except OSError as error:  # a read-only checkout still builds, only slower next time
            logger.warning("could not write the read cache %s: %s", self.folder, error)

    def close(self) -> None:
        """Drop the entries of posts this build did not read (gone or changed), and the
        folders of all but the latest environments."""
        with contextlib.suppress(OSError):
            for path in self.folder.iterdir():
                if path.suffix == ".json" and path.name not in self.used:
                    path.unlink()
            os.utime(self.folder)
            folders = sorted((path for path in self.root.iterdir() if path.is_dir()),
                             key=lambda path: path.stat().st_mtime, reverse=True)
            for old in folders[KEPT_FOLDERS:]:
                shutil.rmtree(old, ignore_errors=True)

    @staticmethod
    def _name(text: str) -> str:
        return key(text)[:32] + ".json"


def use(cache: ReadCache | None) -> None:
    """Make `cache` the one posts are read through (None: read every post), until the next call."""
    global _in_use
    _in_use = cache


def in_use() -> ReadCache | None:
    return _in_use


def environment_key(settings: Mapping[str, Any], excluded: frozenset[str] = frozenset()) -> str:
    """A key of everything besides a post's text that its conversion depends on."""
    import markdown
    import pelican
    import pygments

    code = sorted(
        (module.__name__, _stamp(getattr(module, "__file__", None)))
        for name, module in list(sys.modules.items())
        if name.startswith(("plugin_core", "pelican.plugins.")) and module is not None
    )
    wanted = {name: value for name, value in settings.items() if name not in excluded}
    return key(
        _stable(wanted), os.getcwd(), repr(code),
        f"{pelican.__version__} {markdown.__version__} {pygments.__version__}",
    )


def _stamp(file: str | None) -> tuple[int, int] | None:
    try:
        status = os.stat(file) if file else None
    except OSError:
        return None
    return (status.st_mtime_ns, status.st_size) if status else None


def _stable(value: Any) -> str:
    """A repr of settings that is the same in every run with the same settings: functions
    and classes by name, containers in a fixed order, no memory addresses."""
    if isinstance(value, Mapping):
        items = sorted((str(name), _stable(item)) for name, item in value.items())
        return "{" + ", ".join(f"{name!r}: {item}" for name, item in items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_stable(item) for item in value) + "]"
    if isinstance(value, set | frozenset):
        return "{" + ", ".join(sorted(_stable(item) for item in value)) + "}"
    if callable(value) and hasattr(value, "__qualname__"):
        return f"{getattr(value, '__module__', '')}.{value.__qualname__}"
    return ADDRESS.sub("", repr(value))
