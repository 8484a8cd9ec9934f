"""Everything that needs the whole site written, in order:

1. give stylesheets and scripts content-hashed names (pages load those);
2. measure each page and stamp its footer with its own weight (fixed point);
3. stop the build's energy meter;
4. render the Footprint page and its JSON from one report, repeating until the
   page's own row describes the page as written;
5. precompress text assets (`make publish`).

Every file is replaced atomically, so an interrupted build never leaves a
half-written page.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from plugin_core import problems
from plugin_core.carbon import CarbonSettings
from plugin_core.demo_link import BuildEnergy
from plugin_core.email_link import EmailEditions
from plugin_core.memo import source_digest
from plugin_core.publishing import write_atomically, write_chunks_atomically
from plugin_core.receipt import TransferCost

from .assets import AssetHasher, precompress, remove_stale_twins
from .content_rows import email_rows
from .fixed_point import padding, settle
from .footprint_page import FootprintGenerator
from .page_memory import MEMORY_VERSION, PageMemory, digest
from .pages import PagePass, PageRestoreError
from .receipts import widget_cost, widget_text
from .report import (
    PageEntry,
    PageRow,
    build_energy_report,
    build_report,
    issues_with_weights,
    json_chunks,
    page_row,
    runtime_report,
    with_row,
)
from .settings import FootprintSettings
from .transfer import SiteOrigin, measure_html

logger = logging.getLogger(__name__)

CORE = Path(problems.__file__).parent  # plugin_core: how pages are finished depends on it too

OWN_TITLE = "Footprint"


@dataclass
class BuildState:
    """What one build run collects for the footprint, from start to `finalized`."""

    settings: FootprintSettings
    output_dir: Path
    site_name: str
    memory: PageMemory  # what the last build left (writer, PagePass)
    written_root: str = ""  # the output folder as Pelican spells it when it writes
    started: float = field(default_factory=time.perf_counter)
    pages: list[str] = field(default_factory=list)  # HTML pages written, output-relative
    page_set: set[str] = field(default_factory=set)  # the same, to look up
    demos: list[dict[str, Any]] = field(default_factory=list)  # rows of content_rows.demo_rows
    generator: FootprintGenerator | None = None
    transfer_cost: TransferCost | None = None  # for the receipts' widget line
    issues: list[dict[str, Any]] = field(default_factory=list)  # published articles, by date
    rendered: dict[str, str] = field(default_factory=dict)  # page -> digest of Pelican's rendering
    untouched: set[str] = field(default_factory=set)  # pages the writer left as last build finished them
    _relative: dict[str, str | None] = field(default_factory=dict)

    def relative(self, path: str, last_time: bool = False) -> str | None:
        """The output-relative POSIX path of a file Pelican wrote at `path`; None if outside.

        Asked twice per page (the writer, then `content_written`): worked out once, and
        forgotten when asked the `last_time` (1,500 absolute paths kept to the end for nothing)."""
        if last_time:
            return self._relative.pop(path) if path in self._relative else self._relative_of(path)
        if path not in self._relative:
            self._relative[path] = self._relative_of(path)
        return self._relative[path]

    def _relative_of(self, path: str) -> str | None:
        # Pelican passes the absolute path it writes; resolving each of 1,500 paths on
        # disk would cost more than the rest of this step.
        relative = os.path.relpath(os.path.abspath(path), self.written_root)
        if relative.startswith(os.pardir + os.sep) or relative == os.pardir:
            try:  # written through a symbolic link, perhaps: ask the disk
                return Path(path).resolve().relative_to(self.output_dir).as_posix()
            except ValueError:
                return None
        return relative.replace(os.sep, "/")


def url_of(path: str) -> str:
    """`issues/a/index.html` -> `issues/a/`; `index.html` -> ``."""
    return path[: -len("index.html")] if path.endswith("index.html") else path


def finish(
    state: BuildState,
    energy: BuildEnergy | None,
    carbon: CarbonSettings,
    emails: EmailEditions | None = None,
) -> dict[str, Any]:
    """Run steps 1-5; returns the report written to the JSON file.

    `energy` is the build's own meter (from measured_demos), None without it;
    `emails` are the issues' emails (from email_edition), None without it.
    """
    settings, output = state.settings, state.output_dir
    origin = SiteOrigin(output, settings.site_url)
    own = settings.page_save_as
    pages = [path for path in state.pages if path != own and (output / path).is_file()]
    memory = state.memory
    hasher = AssetHasher(origin) if settings.hash_assets else None
    pass_ = PagePass(origin, settings, state.site_name, memory, hasher)
    if state.transfer_cost is not None:
        pass_.widget_text = _widget_text(pages, state, pass_, state.transfer_cost)
    context = _context(settings, pass_.widget_text)
    pass_.context_unchanged, memory.context = memory.context == context, context

    rows = []
    shared: dict[tuple, dict[str, Any]] = {}
    shared_lists: dict[tuple, list[dict[str, Any]]] = {}
    no_urls: list[str] = []
    for path in pages:
        try:
            title, transfer = pass_.page(path, state.rendered.get(path), path in state.untouched)
        except PageRestoreError as error:
            problems.report(str(output / path), None, f"footprint: {error}")
            continue
        row = page_row(PageEntry(path, url_of(path), title, transfer), settings)
        # Most pages load the same few files: one dict each, and one list of them, not one per
        # page; and most have no URL to warn about: one empty list (0.3 MB at 1,000 issues).
        # Nothing changes a row once it is made: the report is only written and rendered.
        resources = [shared.setdefault(tuple(r.items()), r) for r in row.resources]
        rows.append(row._replace(resources=shared_lists.setdefault(tuple(map(id, resources)), resources),
                                 third_party=row.third_party or no_urls, missing=row.missing or no_urls))
    if hasher is not None and hasher.renamed:
        logger.info("footprint: %d asset(s) given content-hashed names", len(hasher.renamed))

    build = _stop_meter(state, energy, carbon)
    loaded = {resource["path"] for row in rows for resource in row.resources}
    runtime = runtime_report(output, settings, loaded)
    demos = state.demos
    emails_report = email_rows(emails)
    generated_at = datetime.now(UTC).isoformat(timespec="seconds")
    issues = issues_with_weights(state.issues, rows)  # the Footprint page itself is no issue

    def report_for(page_rows: list[PageRow]) -> dict[str, Any]:
        return build_report(
            site_name=state.site_name,
            settings=settings,
            pages=page_rows,
            demos=demos,
            issues=issues,
            runtime=runtime,
            build=build,
            generated_at=generated_at,
            emails=emails_report,
        )

    report = report_for(rows)
    html = None
    if state.generator is not None:
        report, html = _own_page_fixed_point(state.generator, report_for, rows, pass_)
        write_atomically(output / own, html)
    write_chunks_atomically(output / settings.json_save_as, json_chunks(report))
    memory.save()
    _warn_about(report)
    if settings.precompress:
        precompress(output)
    else:
        remove_stale_twins(output)
    return report


def _widget_text(pages: list[str], state: BuildState, pass_: PagePass, cost: TransferCost) -> str:
    """The widget run's cost for receipts, from the same runtime bytes the report counts.

    The runtime is what is in the runtime folders that no page loads on its own, so
    this needs what each page loads: remembered by the digest of its rendering, or
    read from the page Pelican wrote.
    """
    loaded: set[str] = set()
    origin, memory = pass_.origin, pass_.memory
    for path in pages:
        known = memory.known(state.rendered[path]) if path in state.rendered else None
        if known is None:
            data = (origin.output_dir / path).read_bytes()
            known = memory.read(data, data.decode("utf-8", "replace"))
        measured = measure_html(b"", path, origin, pass_.settings.encoding, references=known[1],
                                files=pass_.files, html_transfer_bytes=0)  # only what it loads counts here
        loaded.update(resource.path for resource in measured.resources)
    runtime = runtime_report(origin.output_dir, pass_.settings, loaded)
    return widget_text(widget_cost({"widget_runtime": runtime}, cost))


def _context(settings: FootprintSettings, widget: str | None) -> str:
    """What a finished page depends on besides its rendering and what it loads."""
    code = source_digest((Path(__file__).parent, CORE), frozenset({".py"}))  # how pages are finished
    return digest(repr((MEMORY_VERSION, settings, widget, code)).encode("utf-8"))


def _own_page_fixed_point(
    generator: FootprintGenerator,
    report_for: Callable[[list[PageRow]], dict[str, Any]],
    rows: list[PageRow],
    pass_: PagePass,
) -> tuple[dict[str, Any], bytes]:
    """Render the Footprint page until the row it shows for itself is its real size.

    Returns the report (with the page's exact row) and the page's bytes.
    """
    own = pass_.settings.page_save_as

    def written(text: str, pad: int) -> tuple[bytes, dict[str, Any]]:
        if pad:
            text = text.replace("</body>", padding(pad) + "</body>", 1)
        html, measured = pass_.finish_html(text, own)
        row = page_row(PageEntry(own, url_of(own), OWN_TITLE, measured), pass_.settings)
        return html, report_for(with_row(rows, row))

    # Start from the row the page had last time: an unchanged site settles in one render.
    remembered = _remembered_row(pass_.memory.own_row)
    first = report_for(with_row(rows, remembered) if remembered and remembered.path == own else rows)
    (html, report), exact = settle(
        lambda state: generator.render(state[1]), written, (b"", first),
        same=lambda new, old: new[1] == old[1],  # the same report renders the same page
    )
    pass_.memory.own_row = next((row._asdict() for row in report["pages"] if row.path == own), None)
    if not exact:
        logger.warning(
            "footprint: the Footprint page's own row did not settle; its own "
            "figures may be one rounding step off"
        )
    return report, html


def _remembered_row(row: Any) -> PageRow | None:
    """The Footprint page's row as the page memory kept it (a JSON object), if it still fits."""
    try:
        return PageRow(**row) if isinstance(row, dict) else None
    except TypeError:  # kept by another version of the report
        return None


def _stop_meter(
    state: BuildState, energy: BuildEnergy | None, carbon: CarbonSettings
) -> dict[str, Any] | None:
    if energy is None:
        return None
    reading = energy.stop()
    return build_energy_report(
        reading, carbon.co2e_grams(reading.joules), time.perf_counter() - state.started
    )


def _warn_about(report: dict[str, Any]) -> None:
    for page in report["pages"]:
        for url in page.third_party:
            logger.warning(
                "footprint: %s loads %s from another site; self-host it "
                "(the site promises no third-party requests)",
                page.path,
                url,
            )
        for url in page.missing:
            logger.warning(
                "footprint: %s loads %s, which is not in the output; its weight is not counted",
                page.path,
                url,
            )
