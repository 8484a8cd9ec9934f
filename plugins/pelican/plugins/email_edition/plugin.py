"""Wiring: every published issue as an email, once the site is written.

    start (core)             read and check the EMAIL_* settings (bad values are
                             content errors naming the setting; then no email is written)
    content (core, OTHER)    remember the published issues
    finish (core, OTHER)     build each issue's email (PNG figures, footprint), write the
                             `EMAIL_SAVE_AS` files, publish the EmailEditions; nothing
                             when EMAIL_BUILD is False

The core runs the finish step after the pages are written and before the
footprint's, which lists the EmailEditions on the Footprint page; the email
prices its own bytes with the footprint's TransferModel. PLUGINS may list
the plugins in any order.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, NamedTuple

from pelican.log import console
from plugin_core import build as core
from plugin_core import problems
from plugin_core.build import Build, MissingLinkError, Step
from plugin_core.demo_link import DemoBuild
from plugin_core.email_link import EmailEditions, TransferModel

from .settings import EmailSettings, EmailSettingsError, read_settings

logger = logging.getLogger(__name__)

PLUGIN = "email_edition"


class PublishedIssues(NamedTuple):
    """The articles Pelican publishes in this run (its `articles`: no drafts, hidden or translations)."""

    articles: tuple[Any, ...]


def read_email_settings(build: Build) -> None:
    """Publish the settings, unless one is wrong (each is reported, naming the setting)."""
    before = len(problems.reported())
    try:
        settings = read_settings(build.settings, strict=False)
    except EmailSettingsError as error:
        problems.report("settings", None, f"email_edition: {error}")
        return
    if len(problems.reported()) == before:
        build.publish(settings)
    else:
        logger.error("email_edition: no email is written until the settings above are fixed")


def remember_issues(build: Build, generators: list[Any]) -> None:
    articles = [article for generator in generators for article in getattr(generator, "articles", None) or ()]
    build.publish(PublishedIssues(tuple(articles)))


def write_emails(build: Build, pelican: Any) -> None:
    settings = build.find(EmailSettings)
    issues = build.find(PublishedIssues)
    if settings is None or issues is None or not issues.articles:
        return
    if not settings.build_emails:
        console.print("email_edition: no email built (EMAIL_BUILD = False, as while writing): "
                      "`make email` builds them with the site's real address")
        return
    try:
        model = build.require(TransferModel, "the email edition (each email states its footprint)",
                              "footprint")
    except MissingLinkError as error:
        problems.report("settings", None, str(error))
        return
    from .writing import write_all  # bs4, css-inline and resvg: only when emails are built

    editions = write_all(issues.articles, settings, model, build.find(DemoBuild), pelican.settings,
                         Path(pelican.output_path))
    build.publish(EmailEditions(editions))


def register() -> None:
    core.register()
    core.on_start(PLUGIN, read_email_settings)
    core.on_content(Step.OTHER, PLUGIN, remember_issues)
    core.on_finish(Step.OTHER, PLUGIN, write_emails)
