"""Signal wiring: every published issue as an email, once the site is written.

    initialized                 forget the previous run's articles
    article_generator_finalized remember the published articles
    finalized                   build each issue's email (PNG figures, footprint), write
                                `EMAIL_SAVE_AS` files, put the footprint on the article

Register before `footprint`: its `finalized` receiver lists the emails'
footprints on the Footprint page (from `article.email_edition`).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from footprint.settings import read_settings as read_footprint_settings
from footprint.units import format_bytes, format_grams
from newsletter import problems
from pelican import signals
from pelican.log import console

from .edition import build_edition
from .figures import FigureError
from .footprint import EmailFootprint
from .issue import from_article
from .layout import site_links
from .settings import EmailSettings, EmailSettingsError, read_settings

logger = logging.getLogger(__name__)

_articles: list[Any] = []


class EmailEditionError(Exception):
    """The emails cannot be built; the message says how to fix it (Pelican exits 1)."""

    exitcode = 1


def forget(pelican: Any) -> None:
    _articles.clear()


def remember(generator: Any) -> None:
    _articles[:] = list(generator.articles)


def write_emails(pelican: Any) -> None:
    """Build the emails; an author's mistake ends the build with its message, no traceback
    (Pelican logs any exception with one, so this exits by SystemExit after logging)."""
    if not _articles:
        return
    try:
        _build_all(pelican)
        problems.raise_if_any(str(pelican.settings.get("NEWSLETTER_ON_ERROR", "fail")))
    except (EmailEditionError, EmailSettingsError, problems.BuildError) as error:
        prefix = "" if isinstance(error, EmailEditionError | problems.BuildError) else "email_edition: "
        logger.critical("%s%s", prefix, error)
        raise SystemExit(1) from None


def _build_all(pelican: Any) -> None:
    settings = read_settings(pelican.settings)
    selected = _selected(settings)
    footprint = read_footprint_settings(pelican.settings)
    feed = pelican.settings.get("FEED_ALL_ATOM") or pelican.settings.get("FEED_ALL_RSS") or ""
    links = site_links(settings, footprint.page_url, str(feed))
    output = Path(pelican.output_path)
    for article in _articles:  # every issue, for the Footprint page; files for the selected ones
        try:
            edition = build_edition(from_article(article, settings.site_url), settings, links, output,
                                    footprint.grid_intensity, footprint.green_hosting_factor)
        except FigureError as error:
            problems.report(_source(article), 1, str(error))
            continue
        path = _write(edition.data, article, settings, output) if article in selected else None
        article.email_edition = _Record(path, edition.footprint)
        _check_budget(article, edition.footprint.html_bytes, settings)
        if path is not None:
            console.print(
                f"email_edition: {path}: {format_bytes(edition.footprint.message_bytes)} "
                f"(HTML part {format_bytes(edition.footprint.html_bytes)} of "
                f"{format_bytes(settings.html_budget_bytes)}), figures "
                f"{format_bytes(edition.footprint.image_bytes)}, "
                f"{format_grams(edition.footprint.co2e_grams)} CO2e per copy".replace("\u00a0", " ")
            )


@dataclass(frozen=True)
class _Record:
    """What the Footprint page shows of an issue's email (`article.email_edition`)."""

    path: str | None  # the .eml written, None when this build wrote none for the issue
    footprint: EmailFootprint


def _selected(settings: EmailSettings) -> list[Any]:
    if not settings.only_issue:
        return list(_articles)
    chosen = [article for article in _articles if article.slug == settings.only_issue]
    if not chosen:
        slugs = ", ".join(sorted(article.slug for article in _articles))
        raise EmailEditionError(
            f"email_edition: no published issue has the slug {settings.only_issue!r} "
            f"(ISSUE / EMAIL_ISSUE); the issues are: {slugs}"
        )
    return chosen


def _write(data: bytes, article: Any, settings: EmailSettings, output: Path) -> str | None:
    if not settings.save_as:
        return None
    relative = settings.save_as.format(slug=article.slug)
    target = output / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, target)
    return _source_like(target)


def _check_budget(article: Any, html_bytes: int, settings: EmailSettings) -> None:
    if html_bytes > settings.html_budget_bytes:
        problems.report(
            _source(article), 1,
            f"the email's HTML part is {html_bytes:,} bytes, over EMAIL_HTML_BUDGET_BYTES "
            f"({settings.html_budget_bytes:,}; Gmail clips larger messages): shorten the issue "
            "or split it in two",
        )


def _source(article: Any) -> str:
    return _source_like(Path(article.source_path))


def _source_like(path: Path) -> str:
    """`path` relative to the working directory (the project root) when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def register() -> None:
    signals.initialized.connect(forget)
    signals.article_generator_finalized.connect(remember)
    signals.finalized.connect(write_emails)
