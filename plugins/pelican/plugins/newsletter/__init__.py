"""The newsletter's own behaviour on top of Pelican.

- numbering: "Issue 3", and links to the issues before and after;
- feeds: full-content feed entries with absolute URLs and no scripts;
- plugin: signal wiring.
"""

from .plugin import register

__all__ = ["register"]
