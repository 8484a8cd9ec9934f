"""Every issue as an email: an HTML and a plain-text part, sent over SMTP (README, "Email")."""


def register() -> None:
    """Pelican's entry point, importing the plugin only when it is used: Pelican imports
    every installed namespace plugin, listed in PLUGINS or not, so a build without this
    one should not pay for loading it."""
    from .plugin import register as connect_signals

    connect_signals()
