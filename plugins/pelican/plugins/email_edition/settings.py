"""The email edition's settings: defaults, read over the user's values, checked.

A wrong value stops the build (or the send) with a message that names the
setting: an email that goes out with a wrong address cannot be taken back.
No Pelican import here; the sending command reads the same settings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import formataddr, parseaddr
from typing import Any
from urllib.parse import urlsplit

DEFAULTS: dict[str, Any] = {
    "EMAIL_SAVE_AS": "email/{slug}.eml",  # "" writes no file (the footprint is still computed)
    "EMAIL_ISSUE": "",  # a slug: write only that issue's email (`make email ISSUE=...`)
    "EMAIL_FROM": None,  # "Name <address>"; None: SITENAME <newsletter@host of SITEURL>
    "EMAIL_REPLY_TO": None,
    "EMAIL_LIST_ID": None,  # None: "<site-name.host of SITEURL>"
    "EMAIL_UNSUBSCRIBE_MAILTO": None,  # an address; None: the From address
    "EMAIL_UNSUBSCRIBE_URL": None,  # https URL; "{email}" becomes the recipient, URL-encoded
    "EMAIL_HTML_BUDGET_BYTES": 102_000,  # Gmail clips larger HTML parts
    "EMAIL_FIGURE_SCALE": 2,  # PNG pixels per CSS pixel (2: sharp on high-density screens)
    "EMAIL_SUBSCRIBERS": "subscribers.csv",  # CSV, relative to the project root; never committed
    "EMAIL_SEND_LOG_PATH": "email-sent",  # one log per issue: <slug>.jsonl
    "EMAIL_MESSAGES_PER_MINUTE": 30,
    "EMAIL_RETRIES": 3,  # further tries after a temporary failure, per recipient
    "EMAIL_RETRY_DELAY": 5.0,  # seconds before the first retry, doubled for each next one
}

ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                     r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")


class EmailSettingsError(Exception):
    """A setting of the email edition is wrong; the message says which and how to fix it."""

    exitcode = 1


@dataclass(frozen=True)
class EmailSettings:
    site_name: str
    site_url: str  # absolute, no trailing slash
    save_as: str
    only_issue: str
    sender: str  # formatted "Name <address>"
    sender_address: str
    reply_to: str | None
    list_id: str
    unsubscribe_mailto: str
    unsubscribe_url: str | None
    html_budget_bytes: int
    figure_scale: float
    subscribers: str
    send_log_path: str
    messages_per_minute: float
    retries: int
    retry_delay: float

    @property
    def host(self) -> str:
        return urlsplit(self.site_url).hostname or "localhost"


def is_address(text: str) -> bool:
    """A plain `local@domain.tld` address, as a mail server would accept it."""
    return bool(ADDRESS.match(text)) and len(text) <= 254 and ".." not in text


def read_settings(settings: Mapping[str, Any]) -> EmailSettings:
    """The email settings from Pelican's, defaults filled in; raises EmailSettingsError."""
    value = {key: settings.get(key, default) for key, default in DEFAULTS.items()}
    site_name = str(settings.get("SITENAME", "") or "Newsletter")
    site_url = str(settings.get("SITEURL", "") or "").rstrip("/")
    parts = urlsplit(site_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EmailSettingsError(
            f"the email edition needs SITEURL to be the site's absolute address "
            f"(like https://letter.example.org), got {site_url!r}: every link in an email must "
            "work outside the site"
        )
    host = parts.hostname
    sender = value["EMAIL_FROM"] or formataddr((site_name, f"newsletter@{host}"))
    name, address = parseaddr(str(sender))
    if not is_address(address):
        raise EmailSettingsError(
            f"EMAIL_FROM must be an address like 'Letter <letter@example.org>', got {sender!r}"
        )
    reply_to = value["EMAIL_REPLY_TO"]
    if reply_to is not None and not is_address(parseaddr(str(reply_to))[1]):
        raise EmailSettingsError(f"EMAIL_REPLY_TO must be an email address, got {reply_to!r}")
    mailto = str(value["EMAIL_UNSUBSCRIBE_MAILTO"] or address)
    if not is_address(mailto):
        raise EmailSettingsError(
            f"EMAIL_UNSUBSCRIBE_MAILTO must be a plain address like unsubscribe@example.org, "
            f"got {mailto!r}"
        )
    url = value["EMAIL_UNSUBSCRIBE_URL"]
    if url is not None and urlsplit(str(url)).scheme != "https":
        raise EmailSettingsError(
            f"EMAIL_UNSUBSCRIBE_URL must be an https:// URL (RFC 8058 one-click unsubscribe), "
            f"got {url!r}"
        )
    list_id = value["EMAIL_LIST_ID"] or f"{_slug(site_name)}.{host}"
    return EmailSettings(
        site_name=site_name,
        site_url=site_url,
        save_as=str(value["EMAIL_SAVE_AS"] or ""),
        only_issue=str(value["EMAIL_ISSUE"] or "").strip(),
        sender=formataddr((name, address)) if name else address,
        sender_address=address,
        reply_to=str(reply_to) if reply_to else None,
        list_id=str(list_id).strip("<>"),
        unsubscribe_mailto=mailto,
        unsubscribe_url=str(url) if url else None,
        html_budget_bytes=_number("EMAIL_HTML_BUDGET_BYTES", value, int, minimum=1),
        figure_scale=_number("EMAIL_FIGURE_SCALE", value, float, minimum=0.5),
        subscribers=str(value["EMAIL_SUBSCRIBERS"] or ""),
        send_log_path=str(value["EMAIL_SEND_LOG_PATH"] or ""),
        messages_per_minute=_number("EMAIL_MESSAGES_PER_MINUTE", value, float, minimum=0.01),
        retries=_number("EMAIL_RETRIES", value, int, minimum=0),
        retry_delay=_number("EMAIL_RETRY_DELAY", value, float, minimum=0),
    )


def _number(name: str, value: Mapping[str, Any], kind: type, *, minimum: float) -> Any:
    raw = value[name]
    try:
        number = kind(raw)
    except (TypeError, ValueError):
        number = None
    if number is None or isinstance(raw, bool) or number < minimum:
        raise EmailSettingsError(f"{name} must be a number >= {minimum}, got {raw!r}")
    return number


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "newsletter"
