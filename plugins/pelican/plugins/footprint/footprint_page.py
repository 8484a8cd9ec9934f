"""The Footprint page, rendered with the site's theme.

A Pelican generator, so the page gets the theme's templates, filters and
relative URLs like any other page. It is written once while Pelican writes
its pages (with the demos known but no page measured yet) and rendered again
with the full report at the end of the build, when every page has been
written and measured (see `after_build`).

The template is `footprint.html`; the plugin ships one, a theme may override
it by providing its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, FileSystemBytecodeCache, FileSystemLoader
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
        if self.footprint.cache_path is not None:
            # Compiling the page's templates cost more than rendering it: keep the compiled
            # code between builds (Jinja checks each template's source before reusing it).
            # A Generator has its own Environment, so only this page's templates are cached.
            self.env.bytecode_cache = FileSystemBytecodeCache(str(_bytecode_folder(self.footprint)))
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
            footprint=self.preliminary_report,
        )

    def render(self, report: dict[str, Any]) -> str:
        """The page for `report`, with the same context the writer gives it."""
        save_as = self.footprint.page_save_as
        context = self.context.copy()
        if self.settings["RELATIVE_URLS"]:
            relative = path_to_url(get_relative_path(save_as))
            context["SITEURL"] = relative
            context["localsiteurl"] = relative
        context.update(output_file=save_as, page_name=PAGE_NAME, footprint=report)
        # Joined in batches: with 1,500 pages, render() would hold some 100,000 pieces at once.
        chunks, pieces = [], []
        for piece in self.get_template(TEMPLATE_NAME).generate(context):
            pieces.append(piece)
            if len(pieces) == 4096:
                chunks.append("".join(pieces))
                pieces.clear()
        return "".join(chunks) + "".join(pieces)


def _bytecode_folder(settings: FootprintSettings) -> Path:
    folder = settings.cache_path / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
