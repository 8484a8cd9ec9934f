"""The footprint report: what the site cost, as one JSON-ready dict.

Built here from the measured pages, the rows about content (content_rows: demos,
issues, emails) and the build's own energy.
The same dict is written to `/footprint.json` (stable keys, `schema` is bumped
on any breaking change) and rendered by the `footprint.html` template, so the
page and the JSON can never disagree.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from plugin_core.compression import file_transfer_size
from plugin_core.demo_link import EnergyReading
from plugin_core.receipt import LAPTOP_SOURCE, LAPTOP_WATTS, PHONE_SOURCE, PHONE_WATTS
from plugin_core.swd import (
    CO2JS_PACKAGE,
    CO2JS_URL,
    CO2JS_VERSION,
    GLOBAL_GRID_INTENSITY,
    MODEL_NAME,
    MODEL_URL,
    estimate,
    transfer_share_grams_per_byte,
)

from .settings import FootprintSettings
from .transfer import PageTransfer

SCHEMA_VERSION = 2  # 2: demos' ran_at (was measured_at), ranges, model-card fields
ALMANAC = {
    "source": "HTTP Archive Web Almanac 2024, Page Weight chapter",
    "url": "https://almanac.httparchive.org/en/2024/page-weight",
    "median_desktop_kb": 2652,
    "median_mobile_kb": 2311,
    "bytes_per_kb": 1000,
    "note": "median transfer size of a home page, October 2024 crawl; compared at 1 KB = "
    "1,000 bytes (with 1,024 every ratio shrinks by 2.4 %)",
}
KIND_COLUMNS = ("stylesheet", "script", "image")
# What the default FOOTPRINT_RUNTIME_DIRS hold, for the Footprint page; other folders show their name.
RUNTIME_LABELS = {
    "pyodide": "Pyodide (pyodide/)",
    "micropython": "MicroPython (micropython/)",
    "widgets": "Workers, widget code and weights (widgets/)",
}


class PageEntry(NamedTuple):
    """A written page: where it is, what it is called, what it weighs."""

    path: str
    url: str
    title: str
    transfer: PageTransfer


class PageRow(NamedTuple):
    """One page's row of the report; footprint.json writes it as an object (json_chunks).

    A tuple, not a dict: at 1,000 issues the 1,418 rows, all alive at the build's
    highest point of memory, took 0.4 MB more as dicts of 16 keys."""

    path: str
    url: str
    title: str
    transfer_bytes: int
    raw_bytes: int
    html_bytes: int
    css_bytes: int
    script_bytes: int
    image_bytes: int
    other_bytes: int
    requests: int
    co2e_grams_per_view: float
    energy_kwh_per_view: float
    resources: list[dict[str, Any]]
    third_party: list[str]
    missing: list[str]


def page_row(entry: PageEntry, settings: FootprintSettings) -> PageRow:
    transfer = entry.transfer
    view = estimate(transfer.transfer_bytes, settings.grid_intensity,
                    settings.green_hosting_factor)
    by_kind = {kind: transfer.bytes_of_kind(kind) for kind in KIND_COLUMNS}
    other = transfer.transfer_bytes - transfer.html_transfer_bytes - sum(by_kind.values())
    return PageRow(
        path=entry.path,
        url=entry.url,
        title=entry.title,
        transfer_bytes=transfer.transfer_bytes,
        raw_bytes=transfer.raw_bytes,
        html_bytes=transfer.html_transfer_bytes,
        css_bytes=by_kind["stylesheet"],
        script_bytes=by_kind["script"],
        image_bytes=by_kind["image"],
        other_bytes=other,
        requests=1 + len(transfer.resources),
        co2e_grams_per_view=view.co2e_grams,
        energy_kwh_per_view=view.energy_kwh,
        resources=[
            {"path": r.path, "kind": r.kind, "raw_bytes": r.raw_bytes,
             "transfer_bytes": r.transfer_bytes}
            for r in transfer.resources
        ],
        third_party=list(transfer.third_party),
        missing=list(transfer.missing),
    )


def runtime_report(output_dir: Path, settings: FootprintSettings,
                   loaded_by_pages: set[str] = frozenset()) -> dict[str, Any]:
    """Files fetched only when a reader asks (the widget runtimes, the workers, the
    widgets' code and weights): those in FOOTPRINT_RUNTIME_DIRS that no page
    loads on its own (the widget loader is part of its page's weight), in all
    and folder by folder: a reader fetches one runtime only for its widgets."""
    files, parts = [], []
    for directory in settings.runtime_dirs:
        root = output_dir / directory
        if not root.is_dir():
            continue
        found = []
        for file in sorted(root.rglob("*")):
            relative = file.relative_to(output_dir).as_posix()
            if file.is_file() and file.suffix not in {".gz", ".br"} and relative not in loaded_by_pages:
                found.append({
                    "path": relative,
                    "raw_bytes": file.stat().st_size,
                    "transfer_bytes": file_transfer_size(file, settings.encoding),
                })
        if found:
            parts.append(_runtime_part(directory, found, settings))
        files += found
    transfer = sum(f["transfer_bytes"] for f in files)
    load = estimate(transfer, settings.grid_intensity, settings.green_hosting_factor)
    share = transfer_share_grams_per_byte(settings.grid_intensity, settings.green_hosting_factor)
    return {
        "directories": list(settings.runtime_dirs),
        "files": files,
        "parts": parts,
        "raw_bytes": sum(f["raw_bytes"] for f in files),
        "transfer_bytes": transfer,
        "co2e_grams_per_load": load.co2e_grams,
        "transfer_share_grams": transfer * share,
        "note": "fetched only when a reader runs a widget, then cached by the browser; "
        "an upper bound: one widget needs the runtime and only its own code and weights",
    }


def _runtime_part(directory: str, files: list[dict[str, Any]],
                  settings: FootprintSettings) -> dict[str, Any]:
    """One folder of FOOTPRINT_RUNTIME_DIRS: its files and what a first load of them costs."""
    transfer = sum(f["transfer_bytes"] for f in files)
    return {
        "directory": directory,
        "label": RUNTIME_LABELS.get(directory, f"{directory}/"),
        "files": len(files),
        "raw_bytes": sum(f["raw_bytes"] for f in files),
        "transfer_bytes": transfer,
        "co2e_grams_per_load": estimate(transfer, settings.grid_intensity,
                                        settings.green_hosting_factor).co2e_grams,
    }


def build_energy_report(reading: EnergyReading | None, co2e_grams: float | None,
                        wall_seconds: float) -> dict[str, Any] | None:
    if reading is None:
        return None
    return {
        "energy_joules": reading.joules,
        "co2e_grams": co2e_grams,
        "method": reading.method,
        "formula": reading.formula,
        "hardware": reading.hardware,
        "exclusions": reading.exclusions,
        "wall_seconds": wall_seconds,
        "scope": "this build's Pelican process from plugin start-up to just before this "
        "page was written; demos run in their own processes and are counted with the demos",
    }


def build_report(
    *,
    site_name: str,
    settings: FootprintSettings,
    pages: list[PageRow],
    demos: list[dict[str, Any]],
    runtime: dict[str, Any],
    build: dict[str, Any] | None,
    generated_at: str,
    emails: list[dict[str, Any]] | None = None,
    issues: list[dict[str, Any]] = (),
) -> dict[str, Any]:
    """The whole report; `pages` are rows from `page_row`, sorted by path; `issues` are
    rows from `issues_with_weights`."""
    sizes = [page.transfer_bytes for page in pages]
    median_bytes = _median(sizes) if sizes else 0
    heaviest = max(pages, key=lambda page: page.transfer_bytes) if pages else None
    demos_run = [demo for demo in demos if not demo["from_cache"]]
    return {
        "schema": SCHEMA_VERSION,
        "generated_at": generated_at,
        "site": {"name": site_name, "url": settings.site_url},
        "model": {
            "name": MODEL_NAME,
            "url": MODEL_URL,
            "implementation": f"{CO2JS_PACKAGE} {CO2JS_VERSION}",
            "implementation_url": CO2JS_URL,
            "grid_intensity_g_per_kwh": settings.grid_intensity,
            "grid_intensity_source": settings.grid_intensity_source,
            "device_power": {
                "laptop_watts": list(LAPTOP_WATTS), "laptop_source": LAPTOP_SOURCE,
                "phone_watts": PHONE_WATTS, "phone_source": PHONE_SOURCE,
            },
            "estimates": "every CO2e per view, every widget figure, and demo figures whose "
            "energy_kind is 'estimated'; 'measured' only for energy read from counters",
            "embodied_grid_intensity_g_per_kwh": GLOBAL_GRID_INTENSITY,
            "green_hosting_factor": settings.green_hosting_factor,
            "content_encoding": settings.encoding,
            "per_view": "first view with an empty cache: every byte the page loads "
            "without interaction, compressed as the server sends it; HTTP headers excluded",
        },
        "issues": list(issues),
        "pages": pages,
        "demos": demos,
        "build": build,
        "widget_runtime": runtime,
        "emails": emails or [],
        "totals": {
            "pages": len(pages),
            "pages_transfer_bytes": sum(sizes),
            "median_page_transfer_bytes": median_bytes,
            "median_page_co2e_grams_per_view": estimate(
                int(median_bytes), settings.grid_intensity, settings.green_hosting_factor
            ).co2e_grams,
            "heaviest_page": (
                {"path": heaviest.path, "url": heaviest.url,
                 "transfer_bytes": heaviest.transfer_bytes} if heaviest else None),
            "demos": len(demos),
            "demos_energy_joules": sum(d["energy_joules"] for d in demos),
            "demos_energy_joules_low": sum(_end(d, "energy_joules", "low") for d in demos),
            "demos_energy_joules_high": sum(_end(d, "energy_joules", "high") for d in demos),
            "demos_co2e_grams": sum(d["co2e_grams"] for d in demos),
            "demos_co2e_grams_low": sum(_end(d, "co2e_grams", "low") for d in demos),
            "demos_co2e_grams_high": sum(_end(d, "co2e_grams", "high") for d in demos),
            "demos_energy_kinds": sorted({d["energy_kind"] for d in demos}),
            "demos_energy_avoided_joules": sum(d["energy_avoided_joules"] for d in demos),
            "demos_run_this_build": len(demos_run),
            "demos_energy_joules_this_build": sum(d["energy_joules"] for d in demos_run),
            "demos_co2e_grams_this_build": sum(d["co2e_grams"] for d in demos_run),
            "build_energy_joules": build["energy_joules"] if build else None,
            "build_co2e_grams": build["co2e_grams"] if build else None,
            "widget_runtime_transfer_bytes": runtime["transfer_bytes"],
            "emails": len(emails or []),
        },
        "comparison": comparison(median_bytes, heaviest.transfer_bytes if heaviest else 0),
    }


def _end(row: dict[str, Any], name: str, end: str) -> float:
    """A range's end, or the figure itself for a counter reading (no range)."""
    value = row.get(f"{name}_{end}")
    return row[name] if value is None else value


def issues_with_weights(issues: list[dict[str, Any]], pages: list[PageRow]) -> list[dict[str, Any]]:
    """`issues`, each row given its page's weight and CO2e per view (None before it is measured).

    Joined once per build: the Footprint page's fixed point builds the report several
    times, and 1,000 copied rows a time added half a megabyte each to the build's peak.
    The rows are joined in place, as they are the footprint's own (issue_rows): a
    copy of them all was another half megabyte at the peak."""
    by_url = {page.url: page for page in pages}
    for issue in issues:
        page = by_url.get(issue["url"])
        issue["transfer_bytes"] = page.transfer_bytes if page else None
        issue["co2e_grams_per_view"] = page.co2e_grams_per_view if page else None
    return issues


def preliminary_report(site_name: str, settings: FootprintSettings,
                       demos: list[dict[str, Any]], issues: list[dict[str, Any]] = ()) -> dict[str, Any]:
    """The report before any page is measured (the page is rendered again at the end)."""
    runtime = {"directories": list(settings.runtime_dirs), "files": [], "parts": [], "raw_bytes": 0,
               "transfer_bytes": 0, "co2e_grams_per_load": 0.0, "transfer_share_grams": 0.0, "note": ""}
    return build_report(site_name=site_name, settings=settings, pages=[], demos=demos,
                        runtime=runtime, build=None, generated_at="",
                        issues=issues_with_weights(issues, []))


def comparison(median_bytes: float, heaviest_bytes: int) -> dict[str, Any]:
    desktop = ALMANAC["median_desktop_kb"] * ALMANAC["bytes_per_kb"]
    mobile = ALMANAC["median_mobile_kb"] * ALMANAC["bytes_per_kb"]
    return {
        **ALMANAC,
        "median_desktop_bytes": desktop,
        "median_mobile_bytes": mobile,
        "site_median_page_bytes": median_bytes,
        "site_heaviest_page_bytes": heaviest_bytes,
        "median_page_share_of_desktop": median_bytes / desktop,
        "median_page_share_of_mobile": median_bytes / mobile,
        "heaviest_page_share_of_desktop": heaviest_bytes / desktop,
    }


def with_row(pages: list[PageRow], row: PageRow) -> list[PageRow]:
    """`pages` with `row` added, or replacing the row of the same path; sorted by path."""
    others = [page for page in pages if page.path != row.path]
    return sorted([*others, row], key=lambda page: page.path)


def to_json(report: Mapping[str, Any]) -> bytes:
    return b"".join(json_chunks(report))


def json_chunks(report: Mapping[str, Any]) -> Iterator[bytes]:
    """The report as compact JSON, in pieces: one per row of each table (pages, issues,
    emails), so a site of 1,500 pages never holds its whole report, or a whole table,
    as one string (indenting it took a tenth of a second and a third more bytes)."""

    def dumps(value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    yield b"{"
    for index, (key, value) in enumerate(report.items()):
        yield (b"," if index else b"") + dumps(key) + b":"
        if isinstance(value, list):
            yield b"["
            for position, row in enumerate(value):
                yield (b"," if position else b"") + dumps(row._asdict() if isinstance(row, PageRow) else row)
            yield b"]"
        else:
            yield dumps(value)
    yield b"}\n"


def _median(values: list[int]) -> float:
    """statistics.median, without importing it (2 ms of every build, for one number)."""
    ordered, middle = sorted(values), len(values) // 2
    return ordered[middle] if len(values) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
