"""Signal wiring for the reader's site.

    generator_init                 the absolute site URL and root path, for the templates
    article/page_generator_finalized  description, reading time, sections, citation
    feed_written                   the XSLT processing instruction in every feed
    finalized                      print URLs, search index, sitemap.xml, robots.txt

Register this plugin before `footprint`: the footprint measures the site after
these files are written.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pelican import signals

from . import text
from .cite import citation
from .feed_style import add_stylesheet
from .print_links import add_print_hrefs
from .search import SearchIndexError, build_index
from .sitemap import write_sitemap

logger = logging.getLogger(__name__)

DEFAULTS = {
    "READER_SEARCH": True,  # build the Pagefind index
    "READER_TOC_MIN_SECTIONS": 4,  # an issue with this many h2 sections gets a table of contents
    "READER_FEED_STYLESHEET": "theme/feed.xsl",  # output path of the feeds' XSLT file
    "READER_SITEMAP": True,
}


def setting(settings: dict[str, Any], name: str) -> Any:
    return settings.get(name, DEFAULTS[name])


def add_template_helpers(generator: Any) -> None:
    # The theme's filters (`heading_anchors`, `reader_shorten`) come from JINJA_FILTERS
    # in the settings, so that a build without this plugin still renders.
    generator.env.filters.setdefault("heading_anchors", text.heading_anchors)
    generator.env.filters.setdefault("reader_shorten", text.escaped_description)
    # Pelican makes SITEURL relative in each page when RELATIVE_URLS is on; canonical
    # links, OpenGraph and citations need the site's real address, and the 404 page
    # (served at any depth) the site's root path.
    site_url = generator.settings["SITEURL"].rstrip("/")
    generator.context.setdefault("SITEURL_ABSOLUTE", site_url)
    generator.context.setdefault("SITEURL_ROOT_PATH", urlsplit(site_url).path.rstrip("/"))


def describe(content: Any, settings: dict[str, Any]) -> None:
    """Set description, reading_minutes, toc and citation on an article or page."""
    html = content._content or ""
    content.description = text.description(html, content.metadata)
    content.reading_minutes = text.reading_minutes(html)
    found = text.sections(html)
    long_enough = sum(1 for section in found if section.level == 2)
    content.toc = found if long_enough >= setting(settings, "READER_TOC_MIN_SECTIONS") else []
    date = getattr(content, "date", None)
    if date is None:
        content.citation = None
        return
    authors = [str(author) for author in getattr(content, "authors", [])] or [settings.get("AUTHOR", "")]
    content.citation = citation(
        title=text.plain(content.title),
        authors=[author for author in authors if author],
        site_name=settings.get("SITENAME", ""),
        url=f"{settings['SITEURL'].rstrip('/')}/{content.url}",
        published=date.date(),
        number=getattr(content, "issue_number", None),
    )


def describe_articles(generator: Any) -> None:
    for article in [*generator.articles, *generator.translations, *generator.drafts]:
        describe(article, generator.settings)


def describe_pages(generator: Any) -> None:
    for page in [*generator.pages, *generator.hidden_pages, *generator.draft_pages]:
        describe(page, generator.settings)


def style_feed(path: str, context: dict[str, Any], feed: Any) -> None:
    stylesheet = setting(context, "READER_FEED_STYLESHEET")
    if stylesheet:
        add_stylesheet(Path(path), Path(context["OUTPUT_PATH"]), stylesheet)


def finish(pelican: Any) -> None:
    output = Path(pelican.output_path)
    settings = pelican.settings
    add_print_hrefs(output, settings["SITEURL"])
    if setting(settings, "READER_SEARCH"):
        try:
            build_index(output)
        except SearchIndexError as error:
            logger.error("reader_site: %s", error)
            raise SystemExit(1) from None
    if setting(settings, "READER_SITEMAP"):
        write_sitemap(output, settings["SITEURL"])


def register() -> None:
    signals.generator_init.connect(add_template_helpers)
    signals.article_generator_finalized.connect(describe_articles)
    signals.page_generator_finalized.connect(describe_pages)
    signals.feed_written.connect(style_feed)
    signals.finalized.connect(finish)
