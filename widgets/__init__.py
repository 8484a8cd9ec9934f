"""Pure-Python model code for the in-browser widgets.

Each module here runs twice: in CPython at build time (the static result in
the page and the feeds) and in Pyodide or MicroPython in the reader's browser.
So a module imports only the part of the standard library both runtimes have
(README, "Which runtime?"), avoids CPython-only spellings, and exposes the
same small interface:

- ``TITLE`` and ``EXPLANATION``: what the reader is looking at.
- ``INPUT``: the kind of input the page renders ("grid" or "sliders").
- ``sample_input(weights)``: the input the static result is computed for.
- ``predict(weights, inputs)``: ``{"label": str, "probabilities": [...]}``.
- ``describe(result)``: one plain sentence, announced to screen readers.
"""
