"""Signal wiring for the reader's site.

    start (core)                   read and check the settings
    generator_init                 the absolute site URL and root path, for the templates
    article/page_generator_finalized  description, reading time, sections, citation
    feed_generated                 the XSLT processing instruction in every feed
    finish (core)                  search index, sitemap.xml, robots.txt;
                                   before the footprint measures the site, whatever
                                   the order of PLUGINS
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from pelican import signals
from plugin_core import build as core
from plugin_core import problems
from plugin_core import settings as core_settings
from plugin_core.build import Build, Step
from plugin_core.contents import all_contents, url_of
from plugin_core.memo import Memo
from plugin_core.memo import key as memo_key
from plugin_core.page_link import RenderedPages
from plugin_core.settings import Setting, flag, number, optional, text

from . import text as page_text
from .cite import citation
from .feed_style import write_with_stylesheet
from .print_links import print_hrefs
from .search import SearchIndexError, update_index
from .site_pages import marked_pages, search_glob, site_pages
from .sitemap import write_sitemap

logger = logging.getLogger(__name__)

PLUGIN = "reader_site"
SETTINGS = (
    Setting("READER_SEARCH", True, flag),  # build the Pagefind index
    # a rebuild that changed at most this many marked pages indexes them on their own (search.py)
    Setting("READER_SEARCH_RECENT_PAGES", 0, number(0, whole=True)),
    # an issue with this many h2 sections gets a table of contents
    Setting("READER_TOC_MIN_SECTIONS", 4, number(1, whole=True)),
    Setting("READER_FEED_STYLESHEET", "theme/feed.xsl", optional(text)),  # output path of the XSLT
    Setting("READER_SITEMAP", True, flag),
)


class ReaderSettings(NamedTuple):
    search: bool
    search_recent_pages: int
    toc_min_sections: int
    feed_stylesheet: str | None
    sitemap: bool


class ProseFacts(NamedTuple):
    """Description and reading time of earlier builds' pages, by a hash of the page's HTML:
    reading prose takes an HTML parse of each issue, the costliest step of this plugin.
    The same file keeps what each rendered page is marked with (site_pages)."""

    memo: Memo


def read_settings(build: Build) -> None:
    values = core_settings.read(build.settings, SETTINGS)
    project_root = Path(build.settings.get("PATH", ".")).resolve().parent
    build.publish(ProseFacts(Memo(project_root / ".cache" / "reader_site" / "prose.json")))
    build.publish(
        ReaderSettings(
            search=values["READER_SEARCH"],
            search_recent_pages=values["READER_SEARCH_RECENT_PAGES"],
            toc_min_sections=values["READER_TOC_MIN_SECTIONS"],
            feed_stylesheet=values["READER_FEED_STYLESHEET"],
            sitemap=values["READER_SITEMAP"],
        )
    )


def add_template_helpers(generator: Any) -> None:
    # The theme's filters (`heading_anchors`, `reader_shorten`) come from JINJA_FILTERS
    # in the settings, so that a build without this plugin still renders.
    generator.env.filters.setdefault("heading_anchors", page_text.heading_anchors)
    generator.env.filters.setdefault("reader_shorten", page_text.escaped_description)
    generator.env.filters.setdefault("print_hrefs", print_hrefs)
    # Pelican makes SITEURL relative in each page when RELATIVE_URLS is on; canonical
    # links, OpenGraph and citations need the site's real address, and the 404 page
    # (served at any depth) the site's root path.
    site_url = generator.settings["SITEURL"].rstrip("/")
    generator.context.setdefault("SITEURL_ABSOLUTE", site_url)
    generator.context.setdefault("SITEURL_ROOT_PATH", urlsplit(site_url).path.rstrip("/"))


def describe(content: Any, settings: dict[str, Any]) -> None:
    """Set description, reading_minutes, toc and citation on an article or page."""
    html = content._content or ""
    build = Build.of(settings)
    memo = build.find(ProseFacts).memo
    own_summary = [str(content.metadata.get(key) or "") for key in ("description", "summary")]
    entry = memo_key(html, *own_summary)
    facts = memo.get(entry)
    if facts is None:
        facts = {"description": page_text.description(html, content.metadata),
                 "minutes": page_text.reading_minutes(html)}
        memo.put(entry, facts)
    content.description = facts["description"]
    content.reading_minutes = facts["minutes"]
    found = page_text.sections(html)
    long_enough = sum(1 for section in found if section.level == 2)
    minimum = build.find(ReaderSettings).toc_min_sections
    content.toc = found if long_enough >= minimum else []
    date = getattr(content, "date", None)
    if date is None:
        content.citation = None
        return
    authors = [str(author) for author in getattr(content, "authors", [])] or [settings.get("AUTHOR", "")]
    content.citation = citation(
        title=page_text.plain(content.title),
        authors=[author for author in authors if author],
        site_name=settings.get("SITENAME", ""),
        url=f"{settings['SITEURL'].rstrip('/')}/{url_of(content)}",
        published=date.date(),
        number=getattr(content, "issue_number", None),
    )


def describe_all(generator: Any) -> None:
    """Every article or page of the generator, whatever its status."""
    for content in all_contents([generator]):
        describe(content, generator.settings)


def style_feed(context: dict[str, Any], feed: Any) -> None:
    stylesheet = Build.of(context).find(ReaderSettings).feed_stylesheet
    if stylesheet:
        write_with_stylesheet(feed, Path(context["OUTPUT_PATH"]), stylesheet)


def finish(build: Build, pelican: Any) -> None:
    output = Path(pelican.output_path)
    settings = build.find(ReaderSettings)
    memo = build.find(ProseFacts).memo
    if settings.search or settings.sitemap:
        rendered = build.find(RenderedPages)
        pages = site_pages(output, rendered.digests if rendered else None, memo)
    if settings.search:
        try:
            update_index(output, marked_pages(pages), search_glob(pages), settings.search_recent_pages)
        except SearchIndexError as error:
            problems.report("search index", None, str(error))
    if settings.sitemap:
        write_sitemap(output, pelican.settings["SITEURL"], pages)
    memo.close()


def register() -> None:
    core.register()
    core.on_start(PLUGIN, read_settings)
    signals.generator_init.connect(add_template_helpers)
    signals.article_generator_finalized.connect(describe_all)
    signals.page_generator_finalized.connect(describe_all)
    signals.feed_generated.connect(style_feed)
    core.on_finish(Step.OTHER, PLUGIN, finish)
