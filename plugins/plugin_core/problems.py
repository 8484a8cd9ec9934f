"""Content errors found during a build, reported together at the end.

A directive typo, a failing demo or a bad setting must not stop the other posts
from building (so nothing is lost), but it must fail the build. Plugins call
`report()` while they work; the core's `finalized` step calls `raise_if_any()`
after every plugin has finished.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import NamedTuple

logger = logging.getLogger(__name__)


class Problem(NamedTuple):
    path: str
    line: int | None  # None for a problem of a whole file or of a setting
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"


class BuildError(Exception):
    """Raised at the end of a build that had content errors; pelican exits 1."""

    exitcode = 1


class _NoTracebackForContentErrors(logging.Filter):
    """Pelican logs the exception that ends a build with its traceback (`exc_info=True`).

    A BuildError is the author's mistake, already explained file by file: its
    summary is enough, and a Python traceback would only frighten.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], BuildError):
            record.exc_info = None
        return True


def hide_tracebacks(pelican_logger: logging.Logger | None = None) -> None:
    """Install the filter once on Pelican's own logger (its main and autoreload log there)."""
    target = pelican_logger or logging.getLogger("pelican")
    if not any(isinstance(f, _NoTracebackForContentErrors) for f in target.filters):
        target.addFilter(_NoTracebackForContentErrors())


_problems: list[Problem] = []
_lock = threading.Lock()


def display_path(source_path: str) -> str:
    """The path as an author sees it: relative to the working directory when inside it."""
    if not os.path.isabs(source_path):
        return source_path
    cwd = os.getcwd()  # string tests only: this runs for every post of every build
    if source_path == cwd or source_path.startswith(cwd.rstrip(os.sep) + os.sep):
        return os.path.relpath(source_path, cwd)
    return source_path


def report(path: str, line: int | None, message: str) -> Problem:
    """Record a content error; it is logged now and fails the build at the end."""
    problem = Problem(str(path), None if line is None else int(line), message)
    with _lock:
        if problem not in _problems:
            _problems.append(problem)
    logger.error("%s", problem)
    return problem


def reported() -> list[Problem]:
    with _lock:
        return list(_problems)


def clear() -> None:
    with _lock:
        _problems.clear()


def raise_if_any(mode: str = "fail") -> None:
    """Fail the build when errors were reported, unless drafting (`mode == "warn"`)."""
    problems = reported()
    clear()
    if not problems:
        return
    if mode == "warn":
        logger.warning(
            "%d content error(s) embedded as error boxes (NEWSLETTER_ON_ERROR = 'warn')",
            len(problems),
        )
        return
    # Each problem was logged in full when reported; the summary keeps one line each.
    listing = "\n".join(f"  {str(problem).splitlines()[0]}" for problem in problems)
    raise BuildError(
        f"{len(problems)} content error(s); the build failed:\n{listing}\n"
        "Fix them, or set NEWSLETTER_ON_ERROR = 'warn' while drafting."
    )
