"""The footprint plugin's settings: defaults, read over the user's values, checked.

Defaults are never written back into Pelican's settings; a bad value warns
(naming the setting) and falls back to the default, as Pelican does.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .encoding import ENCODINGS
from .swd import GLOBAL_GRID_INTENSITY

logger = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {
    "FOOTPRINT_GRID_INTENSITY": None,  # None: CARBON_INTENSITY["g_per_kwh"], else SWD v4's 494
    "FOOTPRINT_GREEN_HOSTING_FACTOR": 0.0,
    "FOOTPRINT_ENCODING": "gzip",
    "FOOTPRINT_PRECOMPRESS": False,
    "FOOTPRINT_HASH_ASSETS": True,
    "FOOTPRINT_STAMP_FOOTER": True,
    "FOOTPRINT_PAGE_URL": "footprint/",
    "FOOTPRINT_PAGE_SAVE_AS": "footprint/index.html",
    "FOOTPRINT_JSON_SAVE_AS": "footprint.json",
    "FOOTPRINT_RUNTIME_DIRS": ["pyodide", "widgets"],
}


@dataclass(frozen=True)
class FootprintSettings:
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
    runtime_dirs: tuple[str, ...]
    site_url: str


def read_settings(settings: Mapping[str, Any]) -> FootprintSettings:
    """The plugin's settings from Pelican's, defaults filled in, bad values replaced."""
    value = {key: settings.get(key, default) for key, default in DEFAULTS.items()}
    intensity, source = _grid_intensity(value["FOOTPRINT_GRID_INTENSITY"], settings)
    return FootprintSettings(
        grid_intensity=intensity,
        grid_intensity_source=source,
        green_hosting_factor=_fraction(value["FOOTPRINT_GREEN_HOSTING_FACTOR"]),
        encoding=_choice("FOOTPRINT_ENCODING", value["FOOTPRINT_ENCODING"], ENCODINGS),
        precompress=_flag("FOOTPRINT_PRECOMPRESS", value["FOOTPRINT_PRECOMPRESS"]),
        hash_assets=_flag("FOOTPRINT_HASH_ASSETS", value["FOOTPRINT_HASH_ASSETS"]),
        stamp_footer=_flag("FOOTPRINT_STAMP_FOOTER", value["FOOTPRINT_STAMP_FOOTER"]),
        page_url=str(value["FOOTPRINT_PAGE_URL"]),
        page_save_as=str(value["FOOTPRINT_PAGE_SAVE_AS"]),
        json_save_as=str(value["FOOTPRINT_JSON_SAVE_AS"]),
        runtime_dirs=tuple(str(d).strip("/") for d in value["FOOTPRINT_RUNTIME_DIRS"] or ()),
        site_url=str(settings.get("SITEURL", "") or ""),
    )


def _grid_intensity(configured: Any, settings: Mapping[str, Any]) -> tuple[float, str]:
    if configured is not None:
        number = _non_negative("FOOTPRINT_GRID_INTENSITY", configured)
        if number is not None:
            return number, "FOOTPRINT_GRID_INTENSITY setting"
    carbon = settings.get("CARBON_INTENSITY")
    if isinstance(carbon, Mapping) and carbon.get("g_per_kwh") is not None:
        number = _non_negative("CARBON_INTENSITY['g_per_kwh']", carbon["g_per_kwh"])
        if number is not None:
            region = carbon.get("region", "unspecified region")
            return number, f"CARBON_INTENSITY setting ({region}, {carbon.get('source', 'no source')})"
    return GLOBAL_GRID_INTENSITY, "SWD v4 global average used by CO2.js"


def _non_negative(name: str, raw: Any) -> float | None:
    try:
        number = float(raw)
    except (TypeError, ValueError):
        number = -1.0
    if number < 0:
        logger.warning("footprint: %s must be a number of g CO2e/kWh >= 0, got %r; ignoring it",
                       name, raw)
        return None
    return number


def _fraction(raw: Any) -> float:
    try:
        number = float(raw)
    except (TypeError, ValueError):
        number = -1.0
    if not 0 <= number <= 1:
        logger.warning("footprint: FOOTPRINT_GREEN_HOSTING_FACTOR must be between 0 and 1, "
                       "got %r; using 0", raw)
        return 0.0
    return number


def _flag(name: str, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    logger.warning("footprint: %s must be True or False, got %r; using %s",
                   name, raw, DEFAULTS[name])
    return bool(DEFAULTS[name])


def _choice(name: str, raw: Any, choices: tuple[str, ...]) -> str:
    if raw in choices:
        return str(raw)
    logger.warning("footprint: %s must be one of %s, got %r; using %r",
                   name, ", ".join(choices), raw, DEFAULTS[name])
    return str(DEFAULTS[name])
