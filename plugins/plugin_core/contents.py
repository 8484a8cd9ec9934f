"""One walk over every piece of content Pelican has read, whatever its status.

Articles and pages, their translations, hidden and draft ones: a demo or a
widget in any of them must be run, rendered and counted, never left behind as
a placeholder because one plugin forgot a list.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# Attribute names on Pelican's ArticlesGenerator and PagesGenerator (4.12).
COLLECTIONS = (
    "articles",
    "translations",
    "hidden_articles",
    "hidden_translations",
    "drafts",
    "drafts_translations",
    "pages",
    "hidden_pages",
    "draft_pages",
    "draft_translations",
)


def all_contents(generators: Iterable[Any]) -> list[Any]:
    """Every article and page of every status, each once, in the generators' order."""
    seen: dict[int, Any] = {}
    for generator in generators:
        for name in COLLECTIONS:
            for content in getattr(generator, name, None) or ():
                seen.setdefault(id(content), content)
    return list(seen.values())
