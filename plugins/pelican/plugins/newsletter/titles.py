"""Titles are plain text: escaped once, when a post or page is read.

Pelican treats `title` as HTML (its feeds strip tags from it) but the Markdown
reader passes the `Title:` line through untouched, so `Title: Why <canvas>?`
would become live markup on every listing. Escaping it here, as a Markup
string, makes `{{ article.title }}` safe everywhere, and `striptags` (feeds,
<title>) gives back the exact text the author typed.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

# Metadata shown as text: the title, and a page's optional label in the menu.
PLAIN_TEXT_FIELDS = ("title", "menulabel")


def escape_title(instance: Any) -> None:
    """Turn the plain-text fields of a new Article or Page into escaped Markup (once)."""
    for name in PLAIN_TEXT_FIELDS:
        value = getattr(instance, name, None)
        if isinstance(value, str) and not isinstance(value, Markup):
            setattr(instance, name, escape(value))
