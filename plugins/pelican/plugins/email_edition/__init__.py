"""Every issue as an email: an HTML and a plain-text part, sent over SMTP (README, "Email")."""

from .plugin import register

__all__ = ["register"]
