"""sitemap.xml and robots.txt, written after every page.

The sitemap lists the pages Pelican wrote (articles, pages, listings), with
absolute URLs under SITEURL; pages marked `<meta name="robots" content="noindex">`
(the 404 page) are left out. robots.txt allows everything and names
the sitemap.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape

NOINDEX = re.compile(r"""<meta\s+name=["']robots["']\s+content=["'][^"']*noindex""", re.IGNORECASE)
SKIPPED_FOLDERS = ("pagefind/", "pyodide/", "widgets/", "demos/", "theme/")


def page_url(site_url: str, relative: str) -> str:
    """`issues/a/index.html` -> `https://site/issues/a/`."""
    path = relative[: -len("index.html")] if relative.endswith("index.html") else relative
    return f"{site_url.rstrip('/')}/{path}"


def sitemap_pages(output: Path) -> list[str]:
    """Output-relative paths of the HTML pages a search engine should list."""
    pages = []
    for file in sorted(output.rglob("*.html")):
        relative = file.relative_to(output).as_posix()
        if relative.startswith(SKIPPED_FOLDERS) or relative.split("/")[-1].startswith("."):
            continue
        if NOINDEX.search(file.read_text("utf-8", "replace")[:4000]):
            continue
        pages.append(relative)
    return pages


def sitemap_xml(site_url: str, pages: list[str]) -> str:
    entries = "".join(f"  <url><loc>{escape(page_url(site_url, page))}</loc></url>\n" for page in pages)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{entries}</urlset>\n")


def robots_txt(site_url: str) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {site_url.rstrip('/')}/sitemap.xml\n"


def write_sitemap(output: Path, site_url: str) -> None:
    (output / "sitemap.xml").write_text(sitemap_xml(site_url, sitemap_pages(output)), "utf-8")
    (output / "robots.txt").write_text(robots_txt(site_url), "utf-8")
