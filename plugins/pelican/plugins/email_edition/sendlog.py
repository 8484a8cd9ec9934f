"""The send log: one JSON line per event, flushed to disk before the next send.

Before a message is handed to the server the log says `sending`, after the
server accepted it `sent`, after the last retry failed `failed`. A run that
stopped half-way is resumed from the log: `sent` addresses are skipped; so
is an address whose last word is `sending` (the server may have accepted it
just before the stop), which is reported, since sending it again could
deliver the issue twice. `failed` addresses are tried again.
No Pelican import here.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, NamedTuple

SENDING = "sending"
SENT = "sent"
FAILED = "failed"


class LogState(NamedTuple):
    sent: frozenset[str]  # lower-cased addresses
    uncertain: frozenset[str]  # 'sending' with no outcome: maybe delivered
    failed: frozenset[str]


def read_log(path: Path) -> LogState:
    """Each address's last state in the log (an absent log: nothing sent yet)."""
    last: dict[str, str] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        lines = []
    for line in lines:
        try:
            entry = json.loads(line)
            last[str(entry["email"]).lower()] = str(entry["status"])
        except (ValueError, KeyError, TypeError):
            # A line cut short by a crash while it was written. Skipping it is safe: the
            # address's previous line says `sending`, so it counts as maybe delivered.
            continue

    def having(status: str) -> frozenset[str]:
        return frozenset(email for email, state in last.items() if state == status)

    return LogState(sent=having(SENT), uncertain=having(SENDING), failed=having(FAILED))


class SendLog:
    """Appends events for one issue; every line is on disk before `write` returns."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file: IO[str] = open(path, "a", encoding="utf-8")  # noqa: SIM115 (closed in close())
        if path.stat().st_size and not _ends_with_newline(path):
            self._file.write("\n")  # after a line cut short by a crash

    def write(self, email: str, status: str, **details: str) -> None:
        entry = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "email": email,
                 "status": status, **details}
        self._file.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> SendLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"
