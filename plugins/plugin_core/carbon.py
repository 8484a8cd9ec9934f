"""The carbon intensity of electricity and the data centre's PUE, read once for all plugins.

Demos and page views must use the same operational intensity, so this is a
setting of the core, not of either plugin. The figure is not typed here: it is
read at build time from the Ember yearly data that the pinned npm package
`@tgwf/co2` ships (`dist/esm/data/average-intensities.min.js`), for the region
that CARBON_REGION names (ISO 3166-1 alpha-3, or Ember's WORLD, EU, ...).
Emissions are never cached: a new intensity re-renders every figure without
running anything again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from . import problems
from .numbers import significant
from .settings import Setting, number, optional, path, text

JOULES_PER_KWH = 3_600_000
CO2JS = "@tgwf/co2"
EMBER_FILE = "dist/esm/data/average-intensities.min.js"
EMBER_SOURCE = "Ember, yearly electricity data"
EMBER_URL = "https://ember-energy.org/data/yearly-electricity-data/"
EMBER_LICENCE = "CC BY-SA 4.0"
# The package keeps only the latest yearly value per region and does not say which
# year it is. For the world it is 2024 in @tgwf/co2 0.19.0 (CO2.js README and
# changelog; REFERENCE.md section 6). A region's own year may be earlier.
EMBER_WORLD_YEAR = {"0.19.0": 2024}
DEFAULT_REGION = "WORLD"
# Green Algorithms' PUE for an unknown data centre (v3.0; 1.67 in v2.2).
GREEN_ALGORITHMS_PUE = 1.56
DATA = re.compile(r"const data = (\{.*?\});", re.S)


class CarbonIntensity(NamedTuple):
    g_per_kwh: float
    region: str
    year: int | str
    source: str
    url: str = ""
    licence: str = ""

    def label(self) -> str:
        """'472.94 g CO2e/kWh, world (WORLD), 2024; Ember, ... via @tgwf/co2 0.19.0; CC BY-SA 4.0'."""
        text = f"{self.g_per_kwh:g} g CO\u2082e/kWh, {self.region}, {self.year}; {self.source}"
        return text + (f"; licence {self.licence}" if self.licence else "")


class CarbonSettings(NamedTuple):
    """What turns energy into CO2e for this build."""

    intensity: CarbonIntensity
    pue: float | None  # None: no data-centre overhead applied

    def co2e_grams(self, joules: float) -> float:
        """grams CO2e = kWh x (PUE, when set) x g/kWh."""
        return joules / JOULES_PER_KWH * (self.pue or 1.0) * self.intensity.g_per_kwh

    def grams_for(self, joules: float) -> float:
        """grams CO2e for energy that already includes any PUE (a range's ends)."""
        return joules / JOULES_PER_KWH * self.intensity.g_per_kwh

    def pue_text(self) -> str:
        if self.pue:
            return f"PUE {self.pue:g} applied (DATACENTER_PUE setting)"
        return "PUE not applied (the machine's own energy only; set DATACENTER_PUE for a data centre)"


class IntensityDataError(Exception):
    """The pinned package's data cannot be read; the message says how to fix it."""


def co2js_version(package: Path) -> str:
    return str(json.loads((package / "package.json").read_text(encoding="utf-8"))["version"])


def ember_intensities(package: Path) -> dict[str, float]:
    """Every region's g CO2e/kWh, read from the file @tgwf/co2 ships (not retyped)."""
    file = package / EMBER_FILE
    try:
        match = DATA.search(file.read_text(encoding="utf-8"))
        if match is None:
            raise ValueError("no `const data = {...};` in it")
        data = json.loads(match.group(1))
    except (OSError, ValueError) as error:
        raise IntensityDataError(
            f"cannot read carbon intensities from {file} ({error}); run `make install` "
            f"(npm ci installs {CO2JS} as pinned in package.json) or set CARBON_CO2JS_PATH"
        ) from None
    return {str(region): float(value) for region, value in data.items()}


def ember_intensity(package: Path, region: str = DEFAULT_REGION) -> CarbonIntensity:
    """The intensity of `region` (ISO alpha-3 code, or WORLD) from the pinned package."""
    data = ember_intensities(package)
    code = region.strip().upper()
    if code not in data:
        near = sorted(name for name in data if name[:1] == code[:1])
        raise IntensityDataError(
            f"CARBON_REGION = {region!r} is not in {CO2JS}'s Ember data: use an ISO 3166-1 "
            f"alpha-3 code (e.g. USA, GBR, FRA) or WORLD" + (f"; codes starting with {code[:1]!r}: "
                                                          f"{', '.join(near[:12])}" if near else "")
        )
    version = co2js_version(package)
    world_year = EMBER_WORLD_YEAR.get(version)
    if code == DEFAULT_REGION:
        name, year = "world average", world_year or f"latest year in {CO2JS} {version}"
    else:
        name = code
        year = f"latest year in {CO2JS} {version}" + (f", {world_year} or earlier" if world_year else "")
    return CarbonIntensity(
        g_per_kwh=data[code],
        region=name,
        year=year,
        source=f"{EMBER_SOURCE}, as shipped by {CO2JS} {version}",
        url=EMBER_URL,
        licence=EMBER_LICENCE,
    )


def intensity(value: Any) -> CarbonIntensity | None:
    """CARBON_INTENSITY: None (use Ember's data), or your own dict with g_per_kwh, region, ..."""
    if value is None:
        return None
    expected = "None, or a dict like {'g_per_kwh': 250.0, 'region': ..., 'year': ..., 'source': ...}"
    if not isinstance(value, Mapping) or "g_per_kwh" not in value:
        raise ValueError(expected)
    grams = number(0)(value["g_per_kwh"])
    return CarbonIntensity(
        g_per_kwh=grams,
        region=str(value.get("region", "unspecified region")),
        year=value.get("year", "unspecified year"),
        source=str(value.get("source", "unspecified source")) + " (CARBON_INTENSITY setting)",
        url=str(value.get("url", "")),
        licence=str(value.get("licence", "")),
    )


SETTINGS = (
    Setting("CARBON_REGION", DEFAULT_REGION, text),  # ISO 3166-1 alpha-3, or WORLD
    Setting("CARBON_CO2JS_PATH", None, optional(path)),  # None: node_modules/@tgwf/co2 of the project
    Setting("CARBON_INTENSITY", None, intensity),  # None: Ember's figure for CARBON_REGION
    # e.g. 1.56 (Green Algorithms' default) when the site is built in a data centre
    Setting("DATACENTER_PUE", None, optional(number(1))),
)


def default_package(project_root: Path | None) -> Path:
    """node_modules/@tgwf/co2 beside the content folder, else in the working directory."""
    places = [root / "node_modules" / CO2JS for root in (project_root, Path.cwd()) if root is not None]
    return next((place for place in places if (place / EMBER_FILE).is_file()), places[0])


def carbon_settings(values: Mapping[str, Any], project_root: Path | None = None) -> CarbonSettings:
    """The build's CarbonSettings; unreadable data is a content error, not a traceback."""
    chosen = values["CARBON_INTENSITY"]
    if chosen is None:
        package = values["CARBON_CO2JS_PATH"] or default_package(project_root)
        try:
            chosen = ember_intensity(Path(package), values["CARBON_REGION"])
        except IntensityDataError as error:
            problems.report("settings", None, str(error))
            chosen = CarbonIntensity(0.0, "unknown", "unknown", "not available: " + str(error))
    return CarbonSettings(chosen, values["DATACENTER_PUE"])


def co2e_text(grams: float, digits: int = 2) -> str:
    """Grams of CO2e in mg below 1 g (one unit per quantity on a page: callers pick)."""
    if grams >= 1:
        return f"{significant(grams, digits)} g CO\u2082e"
    return f"{significant(grams * 1000, digits)} mg CO\u2082e"
