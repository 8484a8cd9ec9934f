"""In-browser tiny models: Pyodide widgets that load only when the reader asks.

- ``directive``: the ``::: widget <name>`` block (placeholder until demos ran);
- ``widget_modules``: imports ``widgets/<name>.py``, the code the browser runs too;
- ``render``: the widget's HTML with its build-time static result;
- ``runtime`` / ``assets``: publishes Pyodide's runtime files with .br/.gz twins;
- ``feeds``: live controls out of feed entries;
- ``plugin``: signal wiring; ``static/``: the loader and the module worker.
"""

from .plugin import register

__all__ = ["register"]
