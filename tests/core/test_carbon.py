"""The carbon intensity comes from the pinned @tgwf/co2 package, read by Node here to check."""

from __future__ import annotations

import json
import subprocess

import pytest
from plugin_core import problems
from plugin_core import settings as core_settings
from plugin_core.carbon import SETTINGS, carbon_settings, ember_intensity

from tests.helpers import PROJECT

PACKAGE = PROJECT / "node_modules" / "@tgwf" / "co2"
NODE = """
import { averageIntensity } from "@tgwf/co2/data";
import fs from "node:fs";
const pkg = JSON.parse(fs.readFileSync("node_modules/@tgwf/co2/package.json", "utf8"));
console.log(JSON.stringify({ version: pkg.version, data: averageIntensity.data }));
"""


@pytest.fixture(scope="module")
def co2js():
    """What CO2.js itself exports (through Node), not what our parser reads."""
    result = subprocess.run(
        ["node", "--input-type=module", "-e", NODE], cwd=PROJECT, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_default_is_embers_world_figure_from_the_pinned_package(co2js):
    carbon = carbon_settings(core_settings.read({}, SETTINGS), PROJECT)
    intensity = carbon.intensity
    assert co2js["version"] == "0.19.0"
    assert intensity.g_per_kwh == co2js["data"]["WORLD"]
    assert (intensity.region, intensity.year) == ("world average", 2024)
    assert "Ember" in intensity.source and "@tgwf/co2 0.19.0" in intensity.source
    assert intensity.licence == "CC BY-SA 4.0"
    label = intensity.label()
    value = f"{co2js['data']['WORLD']:g} g CO\u2082e/kWh"
    for part in (value, "world average", "2024", "Ember", "CC BY-SA 4.0"):
        assert part in label
    assert carbon.pue is None and carbon.pue_text().startswith("PUE not applied")


@pytest.mark.parametrize("code", ["USA", "fra", "GBR"])
def test_a_region_is_picked_by_iso_code(co2js, code):
    values = core_settings.read({"CARBON_REGION": code}, SETTINGS)
    intensity = carbon_settings(values, PROJECT).intensity
    assert intensity.g_per_kwh == co2js["data"][code.upper()]
    assert intensity.region == code.upper()
    assert "latest year in @tgwf/co2 0.19.0" in str(intensity.year)


def test_unknown_region_is_a_content_error_not_a_traceback():
    values = core_settings.read({"CARBON_REGION": "XXZ"}, SETTINGS)
    carbon_settings(values, PROJECT)
    messages = [problem.message for problem in problems.reported()]
    assert any("CARBON_REGION = 'XXZ'" in message and "alpha-3" in message for message in messages)


def test_missing_package_says_how_to_fix(tmp_path):
    values = core_settings.read({"CARBON_CO2JS_PATH": str(tmp_path)}, SETTINGS)
    carbon_settings(values, PROJECT)
    assert any("make install" in problem.message for problem in problems.reported())


def test_own_intensity_wins_and_is_labelled_as_a_setting():
    values = core_settings.read({"CARBON_INTENSITY": {"g_per_kwh": 100, "region": "test grid"}}, SETTINGS)
    intensity = carbon_settings(values, PROJECT).intensity
    assert intensity.g_per_kwh == 100 and "CARBON_INTENSITY setting" in intensity.source


def test_parser_reads_every_region_the_package_exports(co2js):
    from plugin_core.carbon import ember_intensities

    assert ember_intensities(PACKAGE) == pytest.approx(co2js["data"])
    assert ember_intensity(PACKAGE, "world").g_per_kwh == co2js["data"]["WORLD"]
