"""The newsletter's own behaviour on top of Pelican.

- numbering: "Issue 3", and links to the issues before and after;
- feeds: full-content feed entries with absolute URLs and no scripts;
- plugin: signal wiring.
"""


def register() -> None:
    """Pelican's entry point, importing the plugin only when it is used: Pelican imports
    every installed namespace plugin, listed in PLUGINS or not, so a build without this
    one should not pay for loading it."""
    from .plugin import register as connect_signals

    connect_signals()
