"""Carbon intensity from the settings, and CO2e from energy when a page is rendered.

Emissions are never cached: changing CARBON_INTENSITY or DATACENTER_PUE re-renders
every figure without running any demo again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from .results import CarbonIntensity

logger = logging.getLogger(__name__)

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


def intensity_from_settings(settings: Mapping[str, Any]) -> CarbonIntensity:
    """CARBON_INTENSITY, checked; a bad value warns and falls back to the cited default."""
    value = settings.get("CARBON_INTENSITY") or DEFAULT_INTENSITY
    try:
        grams = float(value["g_per_kwh"])
        if grams < 0:
            raise ValueError("g_per_kwh must not be negative")
        return CarbonIntensity(
            g_per_kwh=grams,
            region=str(value.get("region", "unspecified region")),
            year=value.get("year", "unspecified year"),
            source=str(value.get("source", "unspecified source")),
            url=str(value.get("url", "")),
        )
    except (TypeError, KeyError, ValueError) as error:
        logger.warning(
            "measured_demos: CARBON_INTENSITY %r is not usable (%s); expected a dict with "
            "g_per_kwh, region, year, source, url. Using %s g/kWh (%s).",
            value,
            error,
            DEFAULT_INTENSITY["g_per_kwh"],
            DEFAULT_INTENSITY["source"],
        )
        return intensity_from_settings({"CARBON_INTENSITY": DEFAULT_INTENSITY})


def pue_from_settings(settings: Mapping[str, Any]) -> float | None:
    value = settings.get("DATACENTER_PUE")
    if value is None:
        return None
    try:
        pue = float(value)
    except (TypeError, ValueError):
        pue = 0.0
    if pue < 1.0:
        logger.warning("measured_demos: DATACENTER_PUE %r must be a number >= 1; ignoring it", value)
        return None
    return pue


def co2e_grams(joules: float, intensity: CarbonIntensity, pue: float | None = None) -> float:
    """grams CO2e = kWh x (PUE, when set) x g/kWh."""
    return joules / JOULES_PER_KWH * (pue or 1.0) * intensity.g_per_kwh
