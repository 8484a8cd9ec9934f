"""Every published issue's email, built; the selected ones written to the output.

Every issue is built, whatever `EMAIL_ISSUE` says, so the Footprint page lists
each email's cost; only the selected issues get a `.eml` file. An author's
mistake (an unknown issue, an HTML part over budget, a figure that cannot be
drawn) is a content error: the build goes on and fails at the end.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pelican.log import console
from plugin_core import problems
from plugin_core.contents import url_of
from plugin_core.demo_link import DemoBuild, DemoResult
from plugin_core.email_link import EmailEdition, TransferModel
from plugin_core.memo import Memo
from plugin_core.publishing import write_atomically
from plugin_core.units import format_bytes, format_grams

from .edition_cache import cached_edition, edition_key, footer_entry, memo_path, record, shared_key
from .issue import from_article
from .settings import EmailSettings
from .site_files import local_file


def write_all(articles: Sequence[Any], settings: EmailSettings, model: TransferModel,
              demos: DemoBuild | None, pelican_settings: Mapping[str, Any],
              output: Path) -> tuple[EmailEdition, ...]:
    """Build every issue's email, write the selected ones; what each costs, for the Footprint page.

    An issue whose email is unchanged since an earlier build is not built again
    (see edition_cache); the builders and their libraries are imported only when
    one is.
    """
    selected = {id(article) for article in _selected(articles, settings)}
    feed = str(pelican_settings.get("FEED_ALL_ATOM") or pelican_settings.get("FEED_ALL_RSS") or "")
    results = _results_by_url(demos)
    project_root = Path(pelican_settings.get("PATH", ".")).resolve().parent
    memo = Memo(memo_path(project_root, output))
    footers = None  # read only when an email is built: a warm rebuild need not hold it
    editions, built = [], 0
    shared = shared_key(settings, model, feed)
    for article in articles:
        page_url = url_of(article)
        issue = from_article(article, settings.site_url, results.get(page_url, ()))
        target = None
        if id(article) in selected and settings.save_as:
            target = output / settings.save_as.format(slug=article.slug)
        entry = edition_key(issue, shared, settings.site_url, output)
        edition = cached_edition(memo, entry, output, target, issue.title, page_url)
        if edition is None:
            footers = footers or Memo(memo_path(project_root, output, "footers"))
            edition = _build(article, issue, settings, model, feed, output, target, memo, entry, footers)
            built += 1
        if edition is not None:
            editions.append(edition)
            _check_budget(article, edition.html_bytes, settings)
    memo.save()
    if footers is not None:
        for article in articles:  # kept for the day each issue is edited; gone issues dropped
            footers.keep(footer_entry(article.slug))
        footers.save()
    if len(articles) - built:
        console.print(f"email_edition: {len(articles) - built} unchanged email(s) kept, {built} built")
    return tuple(editions)


def _build(article: Any, issue: Any, settings: EmailSettings, model: TransferModel, feed: str,
           output: Path, target: Path | None, memo: Memo, entry: str, footers: Memo) -> EmailEdition | None:
    """Build one issue's email, write it to `target` if given, and keep what it cost in `memo`
    (its footer's sentence in `footers`)."""
    from .edition import build_edition  # bs4, css-inline and resvg
    from .figures import FigureError
    from .layout import keep_compiled_templates, site_links

    with contextlib.suppress(OSError):  # a read-only cache folder only makes this slower
        keep_compiled_templates(memo.path.parent / "templates")

    guess = footers.get(footer_entry(article.slug))
    try:
        edition = build_edition(issue, settings, site_links(settings, model.page_url, feed), output, model,
                                guess if isinstance(guess, str) else None)
    except FigureError as error:
        problems.report(_relative(Path(article.source_path)), 1, str(error))
        return None
    footers.put(footer_entry(article.slug), edition.sentence)
    footprint = edition.footprint
    result = EmailEdition(
        page_title=issue.title,  # plain(article.title), as cached_edition is given
        page_url=url_of(article),
        message_bytes=footprint.message_bytes,
        html_bytes=footprint.html_bytes,
        text_bytes=footprint.text_bytes,
        image_bytes=footprint.image_bytes,
        co2e_grams=footprint.co2e_grams,
        message_co2e_grams=footprint.message_co2e_grams,
    )
    images = []
    for image in edition.images:
        path = local_file(image.url, settings.site_url, output)
        if path is not None:
            images.append((path.relative_to(output.resolve()).as_posix(), path.stat().st_size))
    if target is not None:
        write_atomically(target, edition.data)
        console.print(
            f"email_edition: {_relative(target)}: {format_bytes(footprint.message_bytes)} "
            f"(HTML part {format_bytes(footprint.html_bytes)} of "
            f"{format_bytes(settings.html_budget_bytes)}), figures "
            f"{format_bytes(footprint.image_bytes)}, "
            f"{format_grams(footprint.co2e_grams)} CO2e per copy".replace("\u00a0", " ")
        )
    if footprint.html_bytes <= settings.html_budget_bytes:  # an error is reported again next time
        memo.put(entry, record(result, images, edition.data if target is not None else None, target))
    return result


def _results_by_url(demos: DemoBuild | None) -> dict[str, tuple[DemoResult, ...]]:
    """The demo results each page shows (measured_demos' DemoBuild), by the page's URL."""
    return {page.url: page.results for page in demos.pages} if demos else {}


def _selected(articles: Sequence[Any], settings: EmailSettings) -> list[Any]:
    if not settings.only_issue:
        return list(articles)
    chosen = [article for article in articles if article.slug == settings.only_issue]
    if not chosen:
        slugs = ", ".join(sorted(article.slug for article in articles))
        problems.report(
            "settings", None,
            f"email_edition: no published issue has the slug {settings.only_issue!r} "
            f"(ISSUE / EMAIL_ISSUE); the issues are: {slugs}",
        )
    return chosen


def _check_budget(article: Any, html_bytes: int, settings: EmailSettings) -> None:
    if html_bytes > settings.html_budget_bytes:
        problems.report(
            _relative(Path(article.source_path)), 1,
            f"the email's HTML part is {html_bytes:,} bytes, over EMAIL_HTML_BUDGET_BYTES "
            f"({settings.html_budget_bytes:,}; Gmail clips larger messages): shorten the issue "
            "or split it in two",
        )


def _relative(path: Path) -> str:
    """`path` relative to the working directory (the project root) when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
