"""Send one issue to every subscriber: one message each, rate-limited, resumable.

For each address not yet reached (see `sendlog`): wait for its turn, make
the subscriber's copy, log `sending`, hand it to the server, log `sent`. A
temporary failure (a 4xx reply, a dropped connection) is retried after a
delay that doubles each time; a permanent one (5xx), or the last retry,
is logged `failed` and the run goes on with the next address.
No Pelican import here.
"""

from __future__ import annotations

import smtplib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .message import for_recipient
from .sendlog import FAILED, SENDING, SENT, SendLog, read_log
from .settings import EmailSettings
from .smtp import Connection, SmtpUnavailableError, describe_error, reply_code
from .subscribers import Subscriber

RETRY = "retry"  # a temporary failure, logged before the next try


@dataclass
class Plan:
    """Who gets the issue in this run, and who does not and why."""

    to_send: list[Subscriber]
    already_sent: list[Subscriber]
    uncertain: list[Subscriber]  # a stopped run may have delivered to them: not sent again


@dataclass
class Outcome:
    sent: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (address, last error)


def plan(subscribers: list[Subscriber], log_path: Path) -> Plan:
    state = read_log(log_path)
    result = Plan([], [], [])
    for subscriber in subscribers:
        key = subscriber.email.lower()
        if key in state.sent:
            result.already_sent.append(subscriber)
        elif key in state.uncertain:
            result.uncertain.append(subscriber)
        else:
            result.to_send.append(subscriber)
    return result


def send_all(
    data: bytes,
    recipients: list[Subscriber],
    settings: EmailSettings,
    connection: Connection,
    log_path: Path,
    *,
    say: Callable[[str], None] = print,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Outcome:
    """Send `data` (a built .eml) to each of `recipients`; raises SmtpUnavailableError when the
    server cannot be reached at all (what was sent before stays in the log)."""
    interval = 60.0 / settings.messages_per_minute
    outcome = Outcome()
    connection.ensure_open()  # an unreachable server stops the run before anything is logged
    next_start = clock()
    with SendLog(log_path) as log:
        for number, subscriber in enumerate(recipients, start=1):
            wait = next_start - clock()
            if wait > 0:
                sleep(wait)
            next_start = max(next_start, clock()) + interval
            message = for_recipient(data, subscriber.email, settings)
            error = _send_with_retries(message, subscriber.email, settings, connection, log, sleep)
            if error is None:
                outcome.sent.append(subscriber.email)
                say(f"sent {number}/{len(recipients)}: {subscriber.email}")
            else:
                outcome.failed.append((subscriber.email, error))
                say(f"FAILED {number}/{len(recipients)}: {subscriber.email}: {error}")
    connection.close()
    return outcome


def _send_with_retries(message, email: str, settings: EmailSettings, connection: Connection,
                       log: SendLog, sleep: Callable[[float], None]) -> str | None:
    """None once the server accepted the message, else the last error (logged `failed`)."""
    for attempt in range(settings.retries + 1):
        connection.ensure_open()  # raises SmtpUnavailableError before `sending` is logged
        log.write(email, SENDING, message_id=str(message["Message-ID"]))
        try:
            connection.send(message, settings.sender_address, email)
        except smtplib.SMTPSenderRefused as error:
            log.write(email, FAILED, error=describe_error(error))
            raise SmtpUnavailableError(
                f"the SMTP server refuses the sender {settings.sender_address}: {describe_error(error)}; "
                "check EMAIL_FROM"
            ) from None
        except (smtplib.SMTPException, OSError) as error:
            text = describe_error(error)
            code = reply_code(error)
            if code is None:  # the connection is gone: the next try opens a new one
                connection.drop()
            if (code is not None and code >= 500) or attempt == settings.retries:
                log.write(email, FAILED, error=text)
                return text
            log.write(email, RETRY, error=text)
            sleep(settings.retry_delay * 2**attempt)
            continue
        log.write(email, SENT, message_id=str(message["Message-ID"]))
        return None
    return "no attempt made"  # unreachable: the loop returns
