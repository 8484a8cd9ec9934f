"""The Python SWD v4 port against CO2.js itself (npm `@tgwf/co2`, run in Node).

A missing Node or `node_modules` is a failure, not a skip: the cross-check is
what makes the footprint page's figures CO2.js figures. `make html` installs
the npm packages.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from plugin_core import swd

from tests.helpers import PROJECT

CO2JS = PROJECT / "node_modules" / "@tgwf" / "co2"
BYTE_COUNTS = [1, 999, 3_570, 14_600, 20_000, 183_422, 2_652_000, 5_460_000, 1_000_000_000]
INTENSITIES = [494.0, 475.0, 369.473, 100.0, 0.0]
NODE_SCRIPT = """
const { co2 } = require('@tgwf/co2');
const model = new co2({ model: 'swd', version: 4 });
const cases = JSON.parse(process.argv[1]);
const out = cases.map(([bytes, intensity, green]) => ({
  perByte: model.perByte(bytes),
  trace: model.perByteTrace(bytes, false, {
    gridIntensity: { device: intensity, dataCenter: intensity, network: intensity },
    greenHostingFactor: green,
  }).co2,
}));
process.stdout.write(JSON.stringify(out));
"""


def run_co2js(cases: list[tuple[int, float, float]]) -> list[dict]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is missing: install Node.js (Debian: apt-get install nodejs npm)")
    if not (CO2JS / "package.json").is_file():
        pytest.fail(f"{CO2JS} is missing: run `make html` (npm ci) first")
    result = subprocess.run([node, "-e", NODE_SCRIPT, json.dumps(cases)], cwd=PROJECT,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_python_agrees_with_co2js_within_one_percent():
    cases = [(n, i, g) for n in BYTE_COUNTS for i in INTENSITIES for g in (0.0, 0.5)]
    for (count, intensity, green), js in zip(cases, run_co2js(cases), strict=True):
        ours = swd.co2e_grams(count, intensity, green)
        assert ours == pytest.approx(js["trace"], rel=0.01, abs=1e-15), (count, intensity, green)
        # In practice the port is exact to floating-point rounding, not just 1 %.
        assert ours == pytest.approx(js["trace"], rel=1e-9, abs=1e-18)
        if intensity == swd.GLOBAL_GRID_INTENSITY and green == 0.0:
            assert ours == pytest.approx(js["perByte"], rel=1e-9)


def test_zero_bytes_cost_nothing_in_both():
    assert run_co2js([(0, 494.0, 0.0)]) == [{"perByte": 0, "trace": 0}]
    assert swd.co2e_grams(0) == 0


def test_constants_are_those_of_the_installed_package():
    package = json.loads((CO2JS / "package.json").read_text())
    assert package["version"] == swd.CO2JS_VERSION
    pinned = json.loads((PROJECT / "package.json").read_text())["dependencies"]["@tgwf/co2"]
    assert pinned == swd.CO2JS_VERSION
    source = (CO2JS / "dist" / "esm" / "constants" / "index.js").read_text()
    block = re.search(r"const SWDV4 = \{(.*?)\};", source, re.DOTALL).group(1)
    published = {name: float(value) for name, value in re.findall(r"(\w+): ([\d.]+)", block)}
    assert published == {
        "OPERATIONAL_KWH_PER_GB_DATACENTER": swd.OPERATIONAL_KWH_PER_GB_DATACENTER,
        "OPERATIONAL_KWH_PER_GB_NETWORK": swd.OPERATIONAL_KWH_PER_GB_NETWORK,
        "OPERATIONAL_KWH_PER_GB_DEVICE": swd.OPERATIONAL_KWH_PER_GB_DEVICE,
        "EMBODIED_KWH_PER_GB_DATACENTER": swd.EMBODIED_KWH_PER_GB_DATACENTER,
        "EMBODIED_KWH_PER_GB_NETWORK": swd.EMBODIED_KWH_PER_GB_NETWORK,
        "EMBODIED_KWH_PER_GB_DEVICE": swd.EMBODIED_KWH_PER_GB_DEVICE,
        "GLOBAL_GRID_INTENSITY": swd.GLOBAL_GRID_INTENSITY,
    }


def test_hand_computed_figures():
    # 0.194 kWh/GB operational + 0.106 kWh/GB embodied = 0.3 kWh/GB; at 494 g/kWh
    # one byte costs 0.3 x 494 / 1e9 = 1.482e-7 g.
    assert swd.co2e_grams(1_000_000) == pytest.approx(0.1482)
    # At 100 g/kWh only the operational part changes: 0.194 x 100 + 0.106 x 494 = 71.764 g/GB.
    assert swd.co2e_grams(1_000_000_000, 100.0) == pytest.approx(71.764)
    # Green hosting removes the data centre's operational share (0.055 kWh/GB) only.
    assert swd.co2e_grams(1_000_000_000, 100.0, 1.0) == pytest.approx(71.764 - 5.5)
    estimate = swd.estimate(1_000_000_000)
    assert estimate.energy_kwh == pytest.approx(0.3)


@pytest.mark.parametrize("bad", [(-1.0, 0.0), (494.0, 1.5), (494.0, -0.1)])
def test_rejects_impossible_inputs(bad):
    with pytest.raises(ValueError):
        swd.estimate(1000, *bad)
