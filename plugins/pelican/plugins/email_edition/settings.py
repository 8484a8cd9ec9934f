"""The email edition's settings: listed once here, read and checked once per build.

During a build (`make email`) a bad value is a content error naming the
setting (plugin_core.settings), and no email is written from wrong settings:
an email that goes out with a wrong address cannot be taken back. The sending
command reads the same settings strictly: a bad value stops it with one
sentence. No Pelican import here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from email.utils import formataddr, parseaddr
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from plugin_core import settings as core_settings
from plugin_core.settings import Setting, flag, number, optional, text

ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                     r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")


def is_address(text: str) -> bool:
    """A plain `local@domain.tld` address, as a mail server would accept it."""
    return bool(ADDRESS.match(text)) and len(text) <= 254 and ".." not in text


def named_address(value: Any) -> str:
    """'Name <local@domain.tld>' or a plain address."""
    if not isinstance(value, str) or not is_address(parseaddr(value)[1]):
        raise ValueError("an address like 'Letter <letter@example.org>'")
    return value


def plain_address(value: Any) -> str:
    if not isinstance(value, str) or not is_address(value):
        raise ValueError("a plain address like unsubscribe@example.org")
    return value


def https_url(value: Any) -> str:
    if not isinstance(value, str) or urlsplit(value).scheme != "https" or not urlsplit(value).hostname:
        raise ValueError("an https:// URL (RFC 8058 one-click unsubscribe); '{email}' in it becomes the "
                         "recipient's address")
    return value


SETTINGS = (
    # False: a build writes no email (pelicanconf.py, while writing); `make email` and `make publish` do
    Setting("EMAIL_BUILD", True, flag),
    Setting("EMAIL_SAVE_AS", "email/{slug}.eml", optional(text)),  # None or "": no file written
    Setting("EMAIL_ISSUE", "", optional(text)),  # a slug: write only that issue's email
    Setting("EMAIL_FROM", None, optional(named_address)),  # None: SITENAME <newsletter@host of SITEURL>
    Setting("EMAIL_REPLY_TO", None, optional(named_address)),
    Setting("EMAIL_LIST_ID", None, optional(text)),  # None: "<site-name.host of SITEURL>"
    Setting("EMAIL_UNSUBSCRIBE_MAILTO", None, optional(plain_address)),  # None: the From address
    Setting("EMAIL_UNSUBSCRIBE_URL", None, optional(https_url)),
    Setting("EMAIL_HTML_BUDGET_BYTES", 102_000, number(1, whole=True)),  # Gmail clips larger HTML parts
    Setting("EMAIL_FIGURE_SCALE", 2, number(0.5)),  # PNG pixels per CSS pixel
    Setting("EMAIL_SUBSCRIBERS", "subscribers.csv", text),  # relative to the project root; never committed
    Setting("EMAIL_SEND_LOG_PATH", "email-sent", text),  # one log per issue: <slug>.jsonl
    Setting("EMAIL_MESSAGES_PER_MINUTE", 30, number(0.01)),
    Setting("EMAIL_RETRIES", 3, number(0, whole=True)),  # further tries after a temporary failure
    Setting("EMAIL_RETRY_DELAY", 5.0, number(0)),  # seconds before the first retry, doubled each time
)


class EmailSettingsError(Exception):
    """A setting of the email edition is wrong; the message says which and how to fix it."""


class EmailSettings(NamedTuple):
    build_emails: bool  # EMAIL_BUILD
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


def read_settings(settings: Mapping[str, Any], *, strict: bool = True) -> EmailSettings:
    """The email settings from Pelican's, defaults filled in.

    `strict` (the sending command): a bad value raises EmailSettingsError. Otherwise
    (a build) a bad value is reported as a content error and the default is used.
    Either way a SITEURL that is not absolute raises EmailSettingsError.
    """
    value = _strict_values(settings) if strict else core_settings.read(settings, SETTINGS)
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
    name, address = parseaddr(value["EMAIL_FROM"] or formataddr((site_name, f"newsletter@{host}")))
    if not is_address(address):
        raise EmailSettingsError(
            f"set EMAIL_FROM to an address like 'Letter <letter@example.org>': the default, "
            f"newsletter@{host} (from SITEURL), is not one a mail server accepts"
        )
    reply_to = value["EMAIL_REPLY_TO"]
    url = value["EMAIL_UNSUBSCRIBE_URL"]
    return EmailSettings(
        build_emails=value["EMAIL_BUILD"],
        site_name=site_name,
        site_url=site_url,
        save_as=value["EMAIL_SAVE_AS"] or "",
        only_issue=(value["EMAIL_ISSUE"] or "").strip(),
        sender=formataddr((name, address)) if name else address,
        sender_address=address,
        reply_to=reply_to or None,
        list_id=(value["EMAIL_LIST_ID"] or f"{_slug(site_name)}.{host}").strip("<>"),
        unsubscribe_mailto=value["EMAIL_UNSUBSCRIBE_MAILTO"] or address,
        unsubscribe_url=url or None,
        html_budget_bytes=value["EMAIL_HTML_BUDGET_BYTES"],
        figure_scale=value["EMAIL_FIGURE_SCALE"],
        subscribers=value["EMAIL_SUBSCRIBERS"],
        send_log_path=value["EMAIL_SEND_LOG_PATH"],
        messages_per_minute=value["EMAIL_MESSAGES_PER_MINUTE"],
        retries=value["EMAIL_RETRIES"],
        retry_delay=value["EMAIL_RETRY_DELAY"],
    )


def _strict_values(settings: Mapping[str, Any]) -> dict[str, Any]:
    values = {}
    for spec in SETTINGS:
        raw = settings.get(spec.name, spec.default)
        try:
            values[spec.name] = spec.check(raw)
        except (TypeError, ValueError) as error:
            raise EmailSettingsError(f"{spec.name} = {raw!r} is not valid: expected {error}") from None
    return values


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "newsletter"
