"""The newsletter's own behaviour on top of Pelican.

- the `::: name` block directive machinery and its file:line errors (blocks, reader);
- content errors collected and failing the build at the end (problems);
- issue numbers (numbering);
- full-content feeds with absolute URLs and no scripts (feeds).
"""

from .plugin import register

__all__ = ["register"]
