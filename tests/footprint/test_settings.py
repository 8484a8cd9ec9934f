"""The plugin's settings: defaults, the carbon intensity fallback, bad values."""

from __future__ import annotations

import logging
from pathlib import Path

from pelican.plugins.footprint.settings import read_settings
from plugin_core.carbon import ember_intensities

WORLD = ember_intensities(Path("node_modules/@tgwf/co2"))["WORLD"]


def test_defaults_do_not_touch_the_users_settings():
    user = {"SITEURL": "https://x.test"}
    settings = read_settings(user)
    assert user == {"SITEURL": "https://x.test"}
    # The same operational intensity as the demos: Ember's world figure from @tgwf/co2.
    assert settings.grid_intensity == WORLD
    assert "world average" in settings.grid_intensity_source and "Ember" in settings.grid_intensity_source
    assert (settings.encoding, settings.precompress, settings.hash_assets) == ("gzip", False, True)
    assert (settings.page_save_as, settings.json_save_as) == ("footprint/index.html", "footprint.json")


def test_grid_intensity_comes_from_the_demos_setting_unless_given():
    demos = {"CARBON_INTENSITY": {"g_per_kwh": 369.473, "region": "USA", "source": "OWID"}}
    assert read_settings(demos).grid_intensity == 369.473
    assert "USA" in read_settings(demos).grid_intensity_source
    assert read_settings({**demos, "FOOTPRINT_GRID_INTENSITY": 56}).grid_intensity == 56.0


def test_bad_values_warn_and_fall_back(caplog):
    with caplog.at_level(logging.WARNING):
        settings = read_settings({
            "FOOTPRINT_GRID_INTENSITY": "lots",
            "FOOTPRINT_ENCODING": "zstd",
            "FOOTPRINT_PRECOMPRESS": "yes",
            "FOOTPRINT_GREEN_HOSTING_FACTOR": 2,
        })
    assert settings.grid_intensity == WORLD
    assert settings.encoding == "gzip"
    assert settings.precompress is False
    assert settings.green_hosting_factor == 0.0
    text = caplog.text
    for name in ("FOOTPRINT_GRID_INTENSITY", "FOOTPRINT_ENCODING", "FOOTPRINT_PRECOMPRESS",
                 "FOOTPRINT_GREEN_HOSTING_FACTOR"):
        assert name in text
