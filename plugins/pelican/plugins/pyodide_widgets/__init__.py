"""In-browser tiny models: Pyodide or MicroPython widgets that load only when the reader asks.

- ``directive``: the ``::: widget <name>`` block (placeholder until demos ran);
- ``widget_modules``: imports ``widgets/<name>.py``, the code the browser runs too;
- ``render``: the widget's HTML with its build-time static result;
- ``runtime``: publishes Pyodide's runtime files with .br/.gz twins;
- ``micropython_runtime``: publishes MicroPython's runtime files with .br/.gz twins;
- ``micropython_check``: runs a MicroPython widget in Node at build time, compares with CPython;
- ``feeds``: live controls out of feed entries;
- ``plugin``: signal wiring; ``static/``: the loader, the Pyodide worker, the MicroPython
  worker and its Python bootstrap (shared with the build check).
"""


def register() -> None:
    """Pelican's entry point, importing the plugin only when it is used: Pelican imports
    every installed namespace plugin, listed in PLUGINS or not, so a build without this
    one should not pay for loading it."""
    from .plugin import register as connect_signals

    connect_signals()
