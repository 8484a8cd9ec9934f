"""The footprint plugin's settings: listed once here, read and checked once per build.

Defaults are never written back into Pelican's settings; a bad value is a
content error naming the setting (plugin_core.settings).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from plugin_core import carbon as core_carbon
from plugin_core import settings as core_settings
from plugin_core.carbon import CarbonSettings
from plugin_core.compression import ENCODINGS
from plugin_core.settings import (
    Setting,
    cache_folder,
    flag,
    number,
    one_of,
    optional,
    path_or_false,
    text,
    text_list,
)

SETTINGS = (
    # None: the core's operational intensity (CARBON_REGION's Ember figure), as the demos use
    Setting("FOOTPRINT_GRID_INTENSITY", None, optional(number(0))),
    Setting("FOOTPRINT_GREEN_HOSTING_FACTOR", 0.0, number(0, 1)),
    Setting("FOOTPRINT_ENCODING", "gzip", one_of(*ENCODINGS)),
    Setting("FOOTPRINT_PRECOMPRESS", False, flag),
    Setting("FOOTPRINT_HASH_ASSETS", True, flag),
    Setting("FOOTPRINT_STAMP_FOOTER", True, flag),
    Setting("FOOTPRINT_PAGE_URL", "footprint/", text),
    Setting("FOOTPRINT_PAGE_SAVE_AS", "footprint/index.html", text),
    Setting("FOOTPRINT_JSON_SAVE_AS", "footprint.json", text),
    # the most rows each long table on the Footprint page shows; footprint.json has them all
    Setting("FOOTPRINT_PAGE_ROWS", 50, number(1, whole=True)),
    Setting("FOOTPRINT_RUNTIME_DIRS", ["pyodide", "micropython", "widgets"], text_list),
    # None: .cache/footprint/ in the folder that holds the content folder; False: remember nothing
    Setting("FOOTPRINT_CACHE_PATH", None, optional(path_or_false)),
)


class FootprintSettings(NamedTuple):
    grid_intensity: float
    grid_intensity_source: str
    green_hosting_factor: float
    encoding: str
    precompress: bool
    hash_assets: bool
    stamp_footer: bool
    page_url: str
    page_save_as: str
    json_save_as: str
    page_rows: int
    runtime_dirs: tuple[str, ...]
    site_url: str
    cache_path: Path | None  # where page facts are remembered between builds; None: nowhere


def read_settings(settings: Mapping[str, Any], carbon: CarbonSettings | None = None) -> FootprintSettings:
    """The plugin's settings from Pelican's, defaults filled in, bad values reported.

    `carbon` is the core's (one operational intensity for demos and views); without
    it, the core's settings are read here the same way.
    """
    value = core_settings.read(settings, SETTINGS)
    project_root = Path(settings.get("PATH", ".")).resolve().parent  # the folder that holds content/
    if carbon is None:
        root = Path(settings["PATH"]).resolve().parent if "PATH" in settings else None
        carbon = core_carbon.carbon_settings(core_settings.read(settings, core_carbon.SETTINGS), root)
    grid, source = _grid_intensity(value["FOOTPRINT_GRID_INTENSITY"], carbon)
    return FootprintSettings(
        grid_intensity=grid,
        grid_intensity_source=source,
        green_hosting_factor=value["FOOTPRINT_GREEN_HOSTING_FACTOR"],
        encoding=value["FOOTPRINT_ENCODING"],
        precompress=value["FOOTPRINT_PRECOMPRESS"],
        hash_assets=value["FOOTPRINT_HASH_ASSETS"],
        stamp_footer=value["FOOTPRINT_STAMP_FOOTER"],
        page_url=value["FOOTPRINT_PAGE_URL"],
        page_save_as=value["FOOTPRINT_PAGE_SAVE_AS"],
        json_save_as=value["FOOTPRINT_JSON_SAVE_AS"],
        page_rows=value["FOOTPRINT_PAGE_ROWS"],
        runtime_dirs=tuple(directory.strip("/") for directory in value["FOOTPRINT_RUNTIME_DIRS"]),
        site_url=str(settings.get("SITEURL", "") or ""),
        cache_path=cache_folder(value["FOOTPRINT_CACHE_PATH"], project_root, "footprint"),
    )


def _grid_intensity(configured: float | None, carbon: CarbonSettings) -> tuple[float, str]:
    if configured is not None:
        return configured, "FOOTPRINT_GRID_INTENSITY setting"
    return carbon.intensity.g_per_kwh, carbon.intensity.label()
