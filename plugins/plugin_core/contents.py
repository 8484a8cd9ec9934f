"""One walk over every piece of content Pelican has read, whatever its status,
and each one's URL worked out once.

Articles and pages, their translations, hidden and draft ones: a demo or a
widget in any of them must be run, rendered and counted, never left behind as
a placeholder because one plugin forgot a list.
"""

from __future__ import annotations

import weakref
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


_URLS: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


def url_of(content: Any) -> str:
    """`content.url`, worked out once per content object.

    Pelican formats the URL from a copy of the metadata on every access (about
    10 microseconds); four plugins looking up each of 1,000 issues cost more than
    some plugins' whole step. Use it from the content step on, when every URL is
    final. The objects are not kept alive: an autoreloaded build reads new ones.
    """
    try:
        url = _URLS.get(content)
        if url is None:
            url = _URLS[content] = str(content.url)
    except TypeError:  # an object that takes no weak reference: worked out each time
        url = str(content.url)
    return url
