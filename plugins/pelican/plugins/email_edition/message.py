"""The MIME message: multipart/alternative, plain text first, HTML second.

Both parts are UTF-8, quoted-printable (readable in any client's source view,
and safe for lines of any length). The message is written with CRLF line
ends, as SMTP carries it, so its size on disk is its size on the wire.
`for_recipient` makes each subscriber's copy: their address, a fresh
Message-ID and their own List-Unsubscribe. No Pelican import here.
"""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, formatdate, make_msgid
from urllib.parse import quote

from .issue import Issue
from .settings import EmailSettings

WIRE = policy.SMTP  # CRLF line ends, lines folded as SMTP needs


def compose(issue: Issue, text: str, html: str, settings: EmailSettings) -> EmailMessage:
    """The issue's message as built: addressed to the list's own sender (a preview)."""
    message = EmailMessage(policy=WIRE)
    message["From"] = settings.sender
    message["To"] = settings.sender
    if settings.reply_to:
        message["Reply-To"] = settings.reply_to
    message["Subject"] = issue.subject
    message["Date"] = format_datetime(issue.date)
    message["Message-ID"] = f"<{issue.slug}.{issue.date.strftime('%Y%m%d')}@{settings.host}>"
    message["List-Id"] = f"{settings.site_name} <{settings.list_id}>"
    message["List-Archive"] = f"<{settings.site_url}/>"
    message["Archived-At"] = f"<{issue.url}>"
    message["List-Unsubscribe"] = unsubscribe_header(settings, None)
    if settings.unsubscribe_url and "{email}" not in settings.unsubscribe_url:
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    return message


def unsubscribe_header(settings: EmailSettings, recipient: str | None) -> str:
    """`<mailto:...>`, plus the one-click URL when configured (RFC 2369, RFC 8058)."""
    subject = "unsubscribe" if recipient is None else f"unsubscribe {recipient}"
    values = [f"<mailto:{settings.unsubscribe_mailto}?subject={quote(subject)}>"]
    url = settings.unsubscribe_url
    if url and (recipient is not None or "{email}" not in url):
        values.append(f"<{url.replace('{email}', quote(recipient or '', safe=''))}>")
    return ", ".join(values)


def to_bytes(message: EmailMessage) -> bytes:
    return message.as_bytes(policy=WIRE)


def parse(data: bytes) -> EmailMessage:
    return BytesParser(policy=policy.default).parsebytes(data)  # type: ignore[return-value]


def part_sizes(message: EmailMessage) -> tuple[int, int]:
    """Bytes of the plain-text and the HTML part as sent (encoded, with their headers)."""
    sizes = {"plain": 0, "html": 0}
    for part in message.iter_parts():
        subtype = part.get_content_subtype()
        if subtype in sizes:
            sizes[subtype] = len(part.as_bytes(policy=WIRE))
    return sizes["plain"], sizes["html"]


def for_recipient(data: bytes, recipient: str, settings: EmailSettings) -> EmailMessage:
    """A subscriber's copy of the built message `data`."""
    message = parse(data)
    for header in ("To", "Message-ID", "Date", "List-Unsubscribe", "List-Unsubscribe-Post"):
        del message[header]
    message["To"] = recipient
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=settings.host)
    message["List-Unsubscribe"] = unsubscribe_header(settings, recipient)
    if settings.unsubscribe_url:
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message
