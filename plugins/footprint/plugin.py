"""Signal wiring: start the build meter, note what is written, account at the end.

    initialized / get_generators  start measuring this build; add the page generator
    all_generators_finalized      remember the articles and pages (their demos)
    content_written               note every HTML page written (feeds are not pages)
    finalized                     hash, stamp, report, precompress (after_build.finish)

Register this plugin after the others: its `finalized` receiver must run
when every other plugin has written its files.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pelican import signals

from .after_build import BuildState, finish
from .generator import FootprintGenerator
from .page import demo_rows, preliminary_report
from .settings import read_settings

try:  # the same meter and carbon intensity as the demos
    from measured_demos.carbon import co2e_grams, intensity_from_settings, pue_from_settings
    from measured_demos.meter import ProcessMeter
except ImportError:  # the footprint works without the demos plugin, minus the build energy
    ProcessMeter = None  # type: ignore[assignment,misc]

logger = logging.getLogger(__name__)

_state: BuildState | None = None


def start_build(pelican: Any) -> None:
    """Begin accounting for one build run (once per run, also under autoreload)."""
    global _state
    if _state is not None:
        return
    settings = pelican.settings
    _state = BuildState(
        settings=read_settings(settings),
        output_dir=Path(pelican.output_path).resolve(),
        site_name=str(settings.get("SITENAME", "")),
    )
    if ProcessMeter is not None:
        _state.meter = ProcessMeter(settings)
        _state.token = _state.meter.start()
        intensity = intensity_from_settings(settings)
        pue = pue_from_settings(settings)
        _state.build_co2e = lambda reading: co2e_grams(reading.joules, intensity, pue)


def get_generators(pelican: Any) -> type[FootprintGenerator]:
    """Sent at the start of every run; a state left by a run that failed before
    `finalized` (or by an earlier autoreload run) is dropped."""
    global _state
    if _state is not None and _state.running:
        _state = None
    start_build(pelican)
    _state.running = True
    return FootprintGenerator


def remember_contents(generators: list[Any]) -> None:
    if _state is None:
        return
    for generator in generators:
        if isinstance(generator, FootprintGenerator):
            _state.generator = generator
        for name in ("articles", "translations", "drafts", "drafts_translations",
                     "pages", "hidden_pages", "hidden_translations"):
            _state.contents.extend(getattr(generator, name, None) or ())
    if _state.generator is not None:
        _state.generator.preliminary_report = preliminary_report(
            _state.site_name, _state.settings, demo_rows(_state.contents))


def note_written(path: str, context: dict[str, Any] | None = None) -> None:
    """Remember each HTML page written (`content_written`; feeds send `feed_written`)."""
    if _state is None or not str(path).endswith(".html"):
        return
    try:
        relative = Path(path).resolve().relative_to(_state.output_dir).as_posix()
    except ValueError:
        return
    if relative not in _state.pages:
        _state.pages.append(relative)


def finalize(pelican: Any) -> None:
    global _state
    state, _state = _state, None
    if state is None:
        return
    report = finish(state)
    totals = report["totals"]
    logger.info(
        "footprint: %d pages, median %d bytes transferred (%.5f g CO2e per view); "
        "demos %.1f J; build %s J",
        totals["pages"], totals["median_page_transfer_bytes"],
        totals["median_page_co2e_grams_per_view"], totals["demos_energy_joules"],
        f"{totals['build_energy_joules']:.1f}" if totals["build_energy_joules"] is not None
        else "not measured",
    )


def register() -> None:
    signals.initialized.connect(start_build)
    signals.get_generators.connect(get_generators)
    signals.all_generators_finalized.connect(remember_contents)
    signals.content_written.connect(note_written)
    signals.finalized.connect(finalize)
