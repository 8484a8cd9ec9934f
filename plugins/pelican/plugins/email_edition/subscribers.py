"""The subscriber list: a CSV file with an `email` column (and optionally `name`).

A malformed or repeated address is reported with its line and skipped; the
rest of the list is still usable. A file without an `email` column, or one
that cannot be read, is an error. No Pelican import here.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import NamedTuple

from .settings import is_address


class SubscriberListError(Exception):
    """The list cannot be used at all; the message names the file and what to fix."""


class Subscriber(NamedTuple):
    email: str
    name: str
    line: int


class Skipped(NamedTuple):
    """A row that was left out, and why: `path:line: reason`."""

    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


def read_subscribers(path: Path) -> tuple[list[Subscriber], list[Skipped]]:
    """The valid subscribers of the CSV at `path`, in file order, and the rows skipped."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SubscriberListError(
            f"{path}: no subscriber list here; copy subscribers.example.csv to it and add the "
            "addresses, or point the EMAIL_SUBSCRIBERS setting at your list"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise SubscriberListError(f"{path}: cannot read the subscriber list ({error})") from None
    rows = csv.reader(text.splitlines())
    header: list[str] | None = None
    subscribers: list[Subscriber] = []
    skipped: list[Skipped] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(rows, start=1):
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        if header is None:
            header = [cell.strip().lower() for cell in row]
            if "email" not in header:
                raise SubscriberListError(
                    f"{path}:{line}: the first row must name the columns, one of them 'email' "
                    f"(like 'email,name'); found {', '.join(row)}"
                )
            continue
        cells = dict(zip(header, (cell.strip() for cell in row), strict=False))
        email = cells.get("email", "")
        if not is_address(email):
            skipped.append(Skipped(str(path), line, f"{email!r} is not an email address; skipped"))
            continue
        key = email.lower()
        if key in seen:
            skipped.append(Skipped(str(path), line, f"{email} is already on line {seen[key]}; skipped"))
            continue
        seen[key] = line
        subscribers.append(Subscriber(email, cells.get("name", ""), line))
    if header is None:
        raise SubscriberListError(f"{path}: the subscriber list is empty (expected a row 'email,name')")
    return subscribers, skipped
