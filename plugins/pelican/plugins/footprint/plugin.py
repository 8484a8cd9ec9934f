"""Signal wiring: the Footprint page's generator, note what is written, account at the end.

    start (core)          read and check the settings; begin this run's BuildState;
                          publish the TransferModel (the email edition prices its bytes with it)
                          and the RenderedPages the writer fills (reader_site reads them)
    get_generators        add the Footprint page's generator
    get_writer            Pelican's writer, leaving pages finished as they would be again (writer)
    content (core, last)  remember the generator; a first report with the demos; each
                          article's receipt (plugin_core.receipt) as `article.receipt`
    content_written       note every HTML page written (feeds are not pages)
    finish (core, last)   hash, stamp, report (with the EmailEditions), precompress (after_build.finish)

The core runs this plugin's steps after every other plugin's, whatever the
order of PLUGINS: its last step must see every file the others wrote.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from pelican import signals
from plugin_core import build as core
from plugin_core.build import BUILD_KEY, Build, CoreSettings, Step
from plugin_core.demo_link import BuildEnergy, DemoBuild
from plugin_core.email_link import EmailEditions, TransferModel
from plugin_core.page_link import RenderedPages

from .after_build import BuildState, finish
from .content_rows import demo_rows, issue_rows, published_articles
from .footprint_page import FootprintGenerator
from .page_memory import PageMemory, memory_file
from .receipts import RECEIPT_FILTERS, attach, complete, transfer_cost
from .report import preliminary_report
from .settings import read_settings
from .writer import FinishedPagesWriter

logger = logging.getLogger(__name__)

PLUGIN = "footprint"


def start_build(build: Build) -> None:
    """Begin accounting for one build run (once per run, also under autoreload)."""
    settings = read_settings(build.settings, build.find(CoreSettings).carbon)
    build.publish(settings)
    build.publish(TransferModel(settings.grid_intensity, settings.green_hosting_factor, settings.page_url))
    cost = transfer_cost(settings.grid_intensity, settings.green_hosting_factor, settings.encoding)
    build.publish(cost)  # the widgets cost a reader's download with it
    output_dir = Path(build.settings["OUTPUT_PATH"]).resolve()
    rendered = RenderedPages()
    build.publish(rendered)  # the writer fills it; reader_site reads it
    build.publish(
        BuildState(
            settings=settings,
            output_dir=output_dir,
            written_root=os.path.abspath(build.settings["OUTPUT_PATH"]),
            site_name=str(build.settings.get("SITENAME", "")),
            transfer_cost=cost,
            memory=PageMemory(memory_file(settings.cache_path, output_dir), settings.encoding),
            rendered=rendered.digests,
        )
    )


def add_filters(generator: Any) -> None:
    """The receipt partial's number formats, in every generator's templates."""
    env = getattr(generator, "env", None)
    if env is not None:
        env.filters.update(RECEIPT_FILTERS)


def get_generators(pelican: Any) -> type[FootprintGenerator]:
    return FootprintGenerator


def get_writer(pelican: Any) -> type[FinishedPagesWriter]:
    return FinishedPagesWriter


def remember_contents(build: Build, generators: list[Any]) -> None:
    state = build.find(BuildState)
    state.generator = next((g for g in generators if isinstance(g, FootprintGenerator)), None)
    demos = build.find(DemoBuild)
    state.demos = demo_rows(demos)
    articles = published_articles(build.contents)
    attach(articles, demos)
    state.issues = issue_rows(articles)
    if state.generator is not None:
        state.generator.preliminary_report = preliminary_report(
            state.site_name, state.settings, state.demos, state.issues
        )


def note_written(path: str, context: dict[str, Any] | None = None) -> None:
    """Remember each HTML page written (`content_written`; feeds send `feed_written`)."""
    build = (context or {}).get(BUILD_KEY)
    state = build.find(BuildState) if build is not None else None
    if state is None or not str(path).endswith(".html"):
        return
    relative = state.relative(str(path), last_time=True)
    if relative is not None and relative not in state.page_set:
        state.page_set.add(relative)
        state.pages.append(relative)


def finalize(build: Build, pelican: Any) -> None:
    state = build.find(BuildState)
    energy = build.find(BuildEnergy)
    report = finish(state, energy, build.find(CoreSettings).carbon, build.find(EmailEditions))
    complete(published_articles(build.contents), report, state.transfer_cost)
    totals = report["totals"]
    logger.info(
        "footprint: %d pages, median %d bytes transferred (%.5f g CO2e per view, estimated); "
        "demos %.1f J; build %s J",
        totals["pages"],
        totals["median_page_transfer_bytes"],
        totals["median_page_co2e_grams_per_view"],
        totals["demos_energy_joules"],
        f"{totals['build_energy_joules']:.1f}"
        if totals["build_energy_joules"] is not None
        else "not measured",
    )


def register() -> None:
    core.register()
    core.on_start(PLUGIN, start_build)
    signals.get_generators.connect(get_generators)
    signals.get_writer.connect(get_writer)
    signals.generator_init.connect(add_filters)
    core.on_content(Step.FOOTPRINT, PLUGIN, remember_contents)
    signals.content_written.connect(note_written)
    core.on_finish(Step.FOOTPRINT, PLUGIN, finalize)
