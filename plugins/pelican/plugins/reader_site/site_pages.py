"""The site's written HTML pages, as the search index and the sitemap see them.

Both go over every page after it is written: the index is kept when no page
marked for search changed, and the sitemap leaves out pages marked `noindex`.
Reading 1,500 pages for that on every build would cost more than the rest of
this plugin. Where the footprint plugin is on, it says which rendering each page
holds (plugin_core.page_link): a page is then known by that digest, and what it
is marked with is remembered by it, so an unchanged page is not read at all.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import NamedTuple

from plugin_core.memo import Memo
from plugin_core.memo import key as memo_key
from plugin_core.publishing import files_in

BODY_MARK = b"data-pagefind-body"
NOINDEX = re.compile(rb"""<meta\s+name=["']robots["']\s+content=["'][^"']*noindex""", re.IGNORECASE)
SKIPPED_FOLDERS = ("pagefind/", "pyodide/", "widgets/", "demos/", "theme/")


class SitePage(NamedTuple):
    path: str  # output-relative, POSIX
    identity: str  # digest of its rendering, or of the file
    searchable: bool  # marked with data-pagefind-body: what Pagefind indexes
    noindex: bool  # <meta name="robots" content="noindex">: left out of the sitemap


def site_pages(
    output: Path, rendered: dict[str, str] | None = None, memo: Memo | None = None
) -> list[SitePage]:
    """Every HTML page in `output` (not in the runtime and asset folders), sorted by path.

    `rendered` maps a page to the digest of its rendering this build; `memo` keeps
    what a rendering is marked with between builds.
    """
    rendered = rendered or {}
    pages = []
    for relative in files_in(output, (".html",), SKIPPED_FOLDERS):
        if relative.split("/")[-1].startswith("."):
            continue
        file = output / relative
        identity, marks = rendered.get(relative), None
        if identity is not None and memo is not None:
            marks = memo.get(memo_key("page marks", identity))
        if identity is None or marks is None:
            data = file.read_bytes()
            identity = identity or hashlib.sha256(data).hexdigest()
            marks = [BODY_MARK in data, NOINDEX.search(data[:4000]) is not None]
            if relative in rendered and memo is not None:
                memo.put(memo_key("page marks", identity), marks)
        pages.append(SitePage(relative, identity, bool(marks[0]), bool(marks[1])))
    return pages


def marked_pages(pages: list[SitePage]) -> dict[str, str]:
    """Every page marked for search, by path, with the digest of its rendering: what Pagefind indexes.

    The footprint's figures in a page are left out of the index (`data-pagefind-ignore`
    in the theme), so a page's rendering decides what Pagefind takes from it."""
    return {page.path: page.identity for page in pages if page.searchable}


GLOB_SPECIAL = frozenset("{}[]*?,\\!")


def search_glob(pages: list[SitePage]) -> str | None:
    """A Pagefind glob that matches the marked pages and as few others as it can.

    A top folder whose pages are all marked is one `folder/**/*.html`; other marked
    pages are named one by one. None (every HTML file) when a path would need escaping.
    """
    marked = [page.path for page in pages if page.searchable]
    if not marked or any(GLOB_SPECIAL & set(path) for path in marked):
        return None
    unmarked_tops = {page.path.split("/")[0] for page in pages if not page.searchable and "/" in page.path}
    parts = []
    for path in marked:
        top = path.split("/")[0]
        part = f"{top}/**/*.html" if "/" in path and top not in unmarked_tops else path
        if part not in parts:
            parts.append(part)
    return parts[0] if len(parts) == 1 else "{" + ",".join(parts) + "}"
