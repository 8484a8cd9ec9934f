"""The SMTP connection: settings from the environment, errors in words.

    EMAIL_SMTP_HOST      required
    EMAIL_SMTP_PORT      default 587 (465 means TLS from the first byte)
    EMAIL_SMTP_USER      with EMAIL_SMTP_PASSWORD, or neither (no login)
    EMAIL_SMTP_PASSWORD
    EMAIL_SMTP_STARTTLS  yes (default) or no

No Pelican import here.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from typing import NamedTuple

TRUE = {"1", "yes", "true", "on"}
FALSE = {"0", "no", "false", "off"}
IMPLICIT_TLS_PORT = 465


class SmtpSettingsError(Exception):
    """A connection setting is missing or wrong; the message names the variable."""


class SmtpUnavailableError(Exception):
    """The server cannot be reached, or refuses to let us send at all."""


class SmtpConfig(NamedTuple):
    host: str
    port: int
    user: str | None
    password: str | None
    starttls: bool

    @property
    def implicit_tls(self) -> bool:
        return self.port == IMPLICIT_TLS_PORT

    def describe(self) -> str:
        security = "TLS" if self.implicit_tls else ("STARTTLS" if self.starttls else "no encryption")
        login = f", login {self.user}" if self.user else ", no login"
        return f"{self.host}:{self.port} ({security}{login})"


def config_from_env(env: Mapping[str, str]) -> SmtpConfig:
    """The connection settings; raises SmtpSettingsError saying which variable to set."""
    host = env.get("EMAIL_SMTP_HOST", "").strip()
    if not host:
        raise SmtpSettingsError(
            "set EMAIL_SMTP_HOST to your SMTP server's host name "
            "(e.g. EMAIL_SMTP_HOST=smtp.example.org make send-email ISSUE=... CONFIRM=yes)"
        )
    raw_port = env.get("EMAIL_SMTP_PORT", "").strip() or "587"
    if not raw_port.isdigit() or not 0 < int(raw_port) < 65536:
        raise SmtpSettingsError(f"EMAIL_SMTP_PORT must be a port number like 587, got {raw_port!r}")
    raw_tls = env.get("EMAIL_SMTP_STARTTLS", "").strip().lower() or "yes"
    if raw_tls not in TRUE | FALSE:
        raise SmtpSettingsError(f"EMAIL_SMTP_STARTTLS must be yes or no, got {raw_tls!r}")
    user = env.get("EMAIL_SMTP_USER", "") or None
    password = env.get("EMAIL_SMTP_PASSWORD", "") or None
    if user and not password:
        raise SmtpSettingsError("EMAIL_SMTP_USER is set: set EMAIL_SMTP_PASSWORD too")
    if password and not user:
        raise SmtpSettingsError("EMAIL_SMTP_PASSWORD is set: set EMAIL_SMTP_USER too")
    return SmtpConfig(host, int(raw_port), user, password, raw_tls in TRUE)


class Connection:
    """One SMTP session, opened on demand and reopened after the server drops it."""

    def __init__(self, config: SmtpConfig, timeout: float = 30.0) -> None:
        self.config = config
        self.timeout = timeout
        self._smtp: smtplib.SMTP | None = None

    def open(self) -> None:
        config = self.config
        where = f"{config.host}:{config.port}"
        try:
            if config.implicit_tls:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(config.host, config.port, timeout=self.timeout,
                                                      context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(config.host, config.port, timeout=self.timeout)
                if config.starttls:
                    smtp.starttls(context=ssl.create_default_context())
            if config.user:
                smtp.login(config.user, config.password or "")
        except smtplib.SMTPAuthenticationError as error:
            raise SmtpUnavailableError(
                f"the SMTP server {where} refused the login of EMAIL_SMTP_USER={config.user}: "
                f"{_reply(error)}; check EMAIL_SMTP_USER and EMAIL_SMTP_PASSWORD"
            ) from None
        except smtplib.SMTPNotSupportedError as error:
            raise SmtpUnavailableError(
                f"the SMTP server {where} does not support what was asked ({error}); "
                "with EMAIL_SMTP_STARTTLS=no it is not asked for STARTTLS"
            ) from None
        except (OSError, smtplib.SMTPException) as error:
            raise SmtpUnavailableError(
                f"cannot reach the SMTP server {where} ({error or type(error).__name__}); check "
                "EMAIL_SMTP_HOST and EMAIL_SMTP_PORT, and that the server is running"
            ) from None
        self._smtp = smtp

    def ensure_open(self) -> None:
        if self._smtp is None:
            self.open()

    def send(self, message: EmailMessage, sender: str, recipient: str) -> None:
        """Hand one message to the server; smtplib's exceptions tell what went wrong."""
        if self._smtp is None:
            raise smtplib.SMTPServerDisconnected("not connected")
        self._smtp.send_message(message, from_addr=sender, to_addrs=[recipient])

    def drop(self) -> None:
        """Forget a connection that failed, so the next send opens a new one."""
        if self._smtp is not None:
            try:
                self._smtp.close()
            finally:
                self._smtp = None

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None


def reply_code(error: BaseException) -> int | None:
    """The server's reply code behind an smtplib exception, if it sent one."""
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        return int(next(iter(error.recipients.values()))[0])
    if isinstance(error, smtplib.SMTPResponseException):
        return int(error.smtp_code)
    return None


def _reply(error: smtplib.SMTPResponseException) -> str:
    text = error.smtp_error.decode("utf-8", "replace") if isinstance(error.smtp_error, bytes) else str(
        error.smtp_error)
    return f"{error.smtp_code} {text}"


def describe_error(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        code, text = next(iter(error.recipients.values()))
        return f"{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}"
    if isinstance(error, smtplib.SMTPResponseException):
        return _reply(error)
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
