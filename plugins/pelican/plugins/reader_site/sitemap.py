"""sitemap.xml and robots.txt, written after every page.

The sitemap lists the pages Pelican wrote (articles, pages, listings), with
absolute URLs under SITEURL; pages marked `<meta name="robots" content="noindex">`
(the 404 page) are left out. robots.txt allows everything and names
the sitemap.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from .site_pages import SitePage


def page_url(site_url: str, relative: str) -> str:
    """`issues/a/index.html` -> `https://site/issues/a/`."""
    path = relative[: -len("index.html")] if relative.endswith("index.html") else relative
    return f"{site_url.rstrip('/')}/{path}"


def sitemap_xml(site_url: str, pages: list[str]) -> str:
    entries = "".join(f"  <url><loc>{escape(page_url(site_url, page))}</loc></url>\n" for page in pages)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{entries}</urlset>\n")


def robots_txt(site_url: str) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {site_url.rstrip('/')}/sitemap.xml\n"


def write_sitemap(output: Path, site_url: str, pages: list[SitePage]) -> None:
    listed = [page.path for page in pages if not page.noindex]
    (output / "sitemap.xml").write_text(sitemap_xml(site_url, listed), "utf-8")
    (output / "robots.txt").write_text(robots_txt(site_url), "utf-8")
