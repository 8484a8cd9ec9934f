"""Posts Pelican would skip with one log line and exit 0: here each is a content error with a fix.

Pelican drops a post it cannot read (a bad date, bytes that are not UTF-8) and
one that lacks its title or date (an empty file, say), logs a line and builds
the rest. Here:

- the source reader calls `unreadable()` with what it raised (read errors);
- `check_metadata` runs on every article and page Pelican makes
  (`content_object_init`) and reports what `Content.is_valid()` will reject;
- `QuietDuplicates` drops Pelican's own line for a file reported here, so the
  author sees one error per mistake.

The post is still skipped, every other post builds, and the build fails at the
end (or only warns with NEWSLETTER_ON_ERROR = "warn").
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Any

from . import problems

DATE_FIELDS = ("date", "modified")
METADATA_HINT = (
    "a post starts with lines such as 'Title: Tiny models' and 'Date: 2024-05-01', then a blank line"
)
_reported: set[str] = set()  # absolute source paths reported here, for QuietDuplicates


class MetadataValueError(ValueError):
    """A metadata field Pelican could not convert (raised by the source reader)."""

    def __init__(self, name: str, value: str, reason: str) -> None:
        super().__init__(reason)
        self.name, self.value, self.reason = name, value, reason


def unreadable(source_path: str, error: Exception) -> None:
    """Report why Pelican cannot read `source_path`."""
    line = None
    if isinstance(error, UnicodeDecodeError):
        line = error.object.count(b"\n", 0, error.start) + 1
        byte = error.object[error.start]
        message = (
            f"the file is not UTF-8 text (byte 0x{byte:02x} on this line); save it as UTF-8 "
            f"(your editor's 'Save with encoding', or `iconv -f latin1 -t utf-8`)"
        )
    elif isinstance(error, MetadataValueError):
        line = metadata_line(source_path, error.name)
        field = error.name.capitalize()
        if error.name in DATE_FIELDS:
            message = (
                f"'{field}: {error.value}' is not a valid date; write it as "
                f"'{field}: 2024-05-01' or '{field}: 2024-05-01 09:30'"
            )
        else:
            message = f"'{field}: {error.value}' is not a valid value: {error.reason}"
    else:
        message = (
            f"Pelican could not read the file ({type(error).__name__}: {error}); "
            "`pelican --debug` shows where"
        )
    _report(source_path, line, f"{message}. The post was left out.")


def check_metadata(content: Any) -> None:
    """Report an article or page that Pelican will skip for its metadata (content_object_init)."""
    from pelican.contents import Article, Page  # the core imports Pelican only when a build runs

    if not isinstance(content, (Article, Page)) or not content.source_path:
        return
    source = Path(content.source_path)
    for field in content.mandatory_properties:
        if hasattr(content, field) or (field == "date" and content.status == "draft"):
            continue  # Pelican dates an undated draft itself, after this signal
        if _is_blank(source):
            message = f"the file is empty; {METADATA_HINT}, then the text"
        else:
            example = "Title: Tiny models" if field == "title" else "Date: 2024-05-01"
            message = f"the post has no {field}; add a line '{example}' to the metadata at the top"
        _report(content.source_path, 1, f"{message}. The post was left out.")
        return
    allowed = getattr(content, "allowed_statuses", None)
    if allowed and content.status not in allowed:
        _report(
            content.source_path,
            metadata_line(content.source_path, "status"),
            f"unknown status '{content.status}'; use one of {', '.join(allowed)}. The post was left out.",
        )


def metadata_line(source_path: str, name: str) -> int | None:
    """The line of `Name: value` in the metadata block at the top of the file."""
    pattern = re.compile(rf"\s*{re.escape(name)}\s*:", re.IGNORECASE)
    try:
        lines = Path(source_path).read_text(encoding="utf-8-sig", errors="replace").splitlines()
    except OSError:
        return None
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            return None  # the metadata block ends at the first blank line
        if pattern.match(text):
            return number
    return None


class QuietDuplicates(logging.Filter):
    """Drops Pelican's 'Could not process x' / 'Skipping x' lines for a file reported here."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.ERROR or not _reported or not isinstance(record.args, tuple):
            return True
        names = [str(arg) for arg in record.args]
        return not any(path == name or path.endswith("/" + name) for path in _reported for name in names)


def quiet_pelicans_duplicates() -> None:
    """Install the filter once on the loggers that log skipped posts."""
    for name in ("pelican.generators", "pelican.contents"):
        target = logging.getLogger(name)
        if not any(isinstance(f, QuietDuplicates) for f in target.filters):
            target.addFilter(QuietDuplicates())


def clear() -> None:
    _reported.clear()


def _report(source_path: str, line: int | None, message: str) -> None:
    _reported.add(os.path.abspath(source_path))
    problems.report(problems.display_path(source_path), line, message)


def _is_blank(source: Path) -> bool:
    try:
        return not source.read_bytes().strip()
    except OSError:
        return False
