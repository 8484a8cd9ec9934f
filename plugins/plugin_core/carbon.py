"""The carbon intensity of electricity and the data centre's PUE, read once for all plugins.

Demos and page views must use the same operational intensity, so this is a
setting of the core, not of either plugin. Emissions are never cached: a new
intensity re-renders every figure without running anything again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .settings import Setting, number, optional

JOULES_PER_KWH = 3_600_000
# World average carbon intensity of electricity: the IEA figure that CodeCarbon 3.3.2
# also falls back to for countries it does not know (REFERENCE.md, section 2).
DEFAULT_INTENSITY = {
    "g_per_kwh": 475.0,
    "region": "world average",
    "year": 2019,
    "source": "IEA, Global Energy & CO2 Status Report 2019",
    "url": "https://www.iea.org/reports/global-energy-co2-status-report-2019",
}


@dataclass(frozen=True)
class CarbonIntensity:
    g_per_kwh: float
    region: str
    year: int | str
    source: str
    url: str = ""


@dataclass(frozen=True)
class CarbonSettings:
    """What turns energy into CO2e for this build."""

    intensity: CarbonIntensity
    pue: float | None  # None: no data-centre overhead applied

    def co2e_grams(self, joules: float) -> float:
        """grams CO2e = kWh x (PUE, when set) x g/kWh."""
        return joules / JOULES_PER_KWH * (self.pue or 1.0) * self.intensity.g_per_kwh


def intensity(value: Any) -> CarbonIntensity:
    """CARBON_INTENSITY: a dict with g_per_kwh, region, year, source and url."""
    expected = "a dict like {'g_per_kwh': 475.0, 'region': ..., 'year': ..., 'source': ..., 'url': ...}"
    if not isinstance(value, Mapping) or "g_per_kwh" not in value:
        raise ValueError(expected)
    grams = number(0)(value["g_per_kwh"])
    return CarbonIntensity(
        g_per_kwh=grams,
        region=str(value.get("region", "unspecified region")),
        year=value.get("year", "unspecified year"),
        source=str(value.get("source", "unspecified source")),
        url=str(value.get("url", "")),
    )


SETTINGS = (
    Setting("CARBON_INTENSITY", DEFAULT_INTENSITY, intensity),
    # e.g. 1.56 (Green Algorithms' default) when the site is built in a data centre
    Setting("DATACENTER_PUE", None, optional(number(1))),
)


def carbon_settings(values: Mapping[str, Any]) -> CarbonSettings:
    return CarbonSettings(values["CARBON_INTENSITY"], values["DATACENTER_PUE"])
