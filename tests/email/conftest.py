"""The sample site built for a published address, and a real SMTP server on loopback."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest

from tests.helpers import PROJECT, build_site, log_of

SITEURL = "https://letter.example.org"


@pytest.fixture(scope="session")
def email_build(tmp_path_factory) -> Path:
    """The project's content built as `make email` builds it: with the published SITEURL."""
    root = tmp_path_factory.mktemp("email-site")
    shutil.copytree(PROJECT / "_demo_cache", root / "_demo_cache")
    result = build_site(root / "output", extra={"DEMOS_CACHE_PATH": str(root / "_demo_cache"),
                                                "EMAIL_BUILD": True}, env={"SITEURL": SITEURL})
    assert result.returncode == 0, log_of(result)
    return root / "output"


def read_eml(path: Path) -> EmailMessage:
    return BytesParser(policy=policy.default).parsebytes(path.read_bytes())  # type: ignore[return-value]


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes
    at: float

    @property
    def message(self) -> EmailMessage:
        return BytesParser(policy=policy.default).parsebytes(self.data)  # type: ignore[return-value]


@dataclass
class Handler:
    """aiosmtpd handler: keeps what it receives; can refuse some recipients."""

    received: list[Received] = field(default_factory=list)
    refuse_once: set[str] = field(default_factory=set)  # 451 the first time, then accept
    refuse_always: set[str] = field(default_factory=set)  # 550
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse_always:
            return "550 5.1.1 no such mailbox"
        if address in self.refuse_once:
            self.refuse_once.discard(address)
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                          bytes(envelope.original_content or envelope.content),
                                          time.monotonic()))
        return "250 Message accepted for delivery"

    def addresses(self) -> list[str]:
        with self.lock:
            return [rcpt for item in self.received for rcpt in item.recipients]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real aiosmtpd server on 127.0.0.1; yields (handler, port)."""
    from aiosmtpd.controller import Controller

    handler = Handler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()
