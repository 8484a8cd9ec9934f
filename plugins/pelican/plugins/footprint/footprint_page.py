"""The Footprint page, rendered with the site's theme.

A Pelican generator, so the page gets the theme's templates, filters and
relative URLs like any other page. It is written once while Pelican writes
its pages (with the demos known but no page measured yet) and rendered again
with the full report at the end of the build, when every page has been
written and measured (see `after_build`).

The template is `footprint.html`; the plugin ships one, a theme may override
it by providing its own. Its long tables (issues, pages, emails) show at most
FOOTPRINT_PAGE_ROWS rows each, and say so; footprint.json keeps every row. With
every row, an archive of 1,000 issues made this the site's heaviest page (1.3 MB)
and its costliest to render.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, FileSystemLoader
from pelican.generators import Generator
from pelican.utils import get_relative_path, path_to_url
from plugin_core.build import Build
from plugin_core.numbers import significant
from plugin_core.units import (
    format_bytes,
    format_grams,
    format_grams_range,
    format_joules,
    format_joules_range,
    sentence,
)

from .settings import FootprintSettings

TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE_NAME = "footprint"
PAGE_NAME = "footprint"


class FootprintGenerator(Generator):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.footprint = Build.of(self.settings).find(FootprintSettings)
        loaders = list(self.env.loader.loaders)  # type: ignore[union-attr]
        # After the theme's own templates (so a theme can override), before Pelican's.
        loaders.insert(1, FileSystemLoader(str(TEMPLATES)))
        self.env.loader = ChoiceLoader(loaders)
        self.env.filters.update({
            "footprint_bytes": format_bytes,
            "footprint_grams": format_grams,
            "footprint_joules": format_joules,
            "footprint_joules_range": format_joules_range,
            "footprint_grams_range": format_grams_range,
            "footprint_significant": significant,
            "footprint_sentence": sentence,
        })
        # Shared with every template (the footer links here); not a setting.
        self.context["FOOTPRINT_PAGE_URL"] = self.footprint.page_url
        self.context["FOOTPRINT_JSON_URL"] = self.footprint.json_save_as
        self.preliminary_report: dict[str, Any] | None = None

    def generate_output(self, writer: Any) -> None:
        writer.write_file(
            self.footprint.page_save_as,
            self.get_template(TEMPLATE_NAME),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            page_name=PAGE_NAME,
            footprint=shown_on_page(self.preliminary_report, self.footprint.page_rows),
        )

    def render(self, report: dict[str, Any]) -> str:
        """The page for `report`, with the same context the writer gives it."""
        save_as = self.footprint.page_save_as
        context = self.context.copy()
        if self.settings["RELATIVE_URLS"]:
            relative = path_to_url(get_relative_path(save_as))
            context["SITEURL"] = relative
            context["localsiteurl"] = relative
        shown = shown_on_page(report, self.footprint.page_rows)
        context.update(output_file=save_as, page_name=PAGE_NAME, footprint=shown)
        return self.get_template(TEMPLATE_NAME).render(context)


def shown_on_page(report: dict[str, Any] | None, rows: int) -> dict[str, Any] | None:
    """`report` as the page shows it: the latest `rows` issues, the heaviest `rows` pages
    and emails (heaviest first), and `rows_in_all` with how many each table has."""
    if not report:
        return report
    shown = dict(report)
    shown["rows_in_all"] = {key: len(report.get(key) or ()) for key in ("issues", "pages", "emails")}
    if len(report.get("issues") or ()) > rows:
        shown["issues"] = report["issues"][-rows:]  # in publication order
    if len(report.get("pages") or ()) > rows:
        shown["pages"] = sorted(report["pages"], key=lambda row: -row.transfer_bytes)[:rows]
    if len(report.get("emails") or ()) > rows:
        shown["emails"] = sorted(report["emails"], key=lambda row: -row["message_bytes"])[:rows]
    return shown

