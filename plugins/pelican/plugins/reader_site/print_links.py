"""Printed issues show where their links go, as the published site's absolute URLs.

The print stylesheet writes `attr(href)` after each link, which is useless for the
relative links a RELATIVE_URLS build writes (`../../tag/x/`). So each relative
link inside an issue or page body gets `data-print-href` with its absolute URL,
and the print stylesheet shows that instead. Only pages whose body is marked for
search (issues and pages) are touched: listings are not worth printing.
"""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path
from urllib.parse import urljoin

BODY_MARK = "data-pagefind-body"
LINK = re.compile(r"""<a\b(?P<before>[^>]*?)\bhref="(?P<href>[^"]*)"(?P<after>[^>]*)>""")
ABSOLUTE = re.compile(r"^(?:[a-zA-Z][\w+.-]*:|//|#)")
SKIPPED_FOLDERS = ("pagefind/", "pyodide/", "widgets/", "demos/", "theme/")


def with_print_hrefs(page: str, page_url: str) -> str:
    """Add data-print-href to every relative link after the body mark."""
    start = page.find(BODY_MARK)
    if start < 0:
        return page

    def add(match: re.Match) -> str:
        href = html.unescape(match.group("href"))
        if ABSOLUTE.match(href) or "data-print-href" in match.group(0):
            return match.group(0)
        absolute = html.escape(urljoin(page_url, href), quote=True)
        return f'{match.group(0)[:-1]} data-print-href="{absolute}">'

    return page[:start] + LINK.sub(add, page[start:])


def add_print_hrefs(output: Path, site_url: str) -> str:
    """Mark the links of every issue and page; return a digest of those pages as written.

    The digest is what the search index is built from (Pagefind indexes only the
    marked pages), so a rebuild that changed none of them can keep the index.
    """
    digest = hashlib.sha256()
    for file in sorted(output.rglob("*.html")):
        relative = file.relative_to(output).as_posix()
        if relative.startswith(SKIPPED_FOLDERS):
            continue
        page = file.read_text("utf-8")
        if BODY_MARK not in page:
            continue
        folder = relative[: -len("index.html")] if relative.endswith("index.html") else relative
        updated = with_print_hrefs(page, f"{site_url.rstrip('/')}/{folder}")
        if updated != page:
            file.write_text(updated, "utf-8")
        data = updated.encode("utf-8")
        digest.update(f"{relative}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()
