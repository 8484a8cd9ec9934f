"""The meter: RAPL (with wrap) and NVML against fakes, the estimate against a hand calculation."""

from __future__ import annotations

from pathlib import Path

import pytest
from pelican.plugins.measured_demos import meter as meter_module
from pelican.plugins.measured_demos.meter import (
    EnergyMeter,
    MeterConfig,
    NvmlCounters,
    ProcessMeter,
    rapl_delta_uj,
    rapl_packages,
)
from pelican.plugins.measured_demos.settings import DemoSettings
from plugin_core import problems
from plugin_core import settings as core_settings
from plugin_core.carbon import SETTINGS as CARBON_SETTINGS
from plugin_core.carbon import carbon_settings


def fake_rapl(root: Path, domains: dict[str, tuple[str, int, int]]) -> Path:
    """domains: folder -> (name, energy_uj, max_energy_range_uj)."""
    for folder, (name, energy, max_range) in domains.items():
        path = root / folder
        path.mkdir(parents=True)
        (path / "name").write_text(name + "\n")
        (path / "energy_uj").write_text(f"{energy}\n")
        (path / "max_energy_range_uj").write_text(f"{max_range}\n")
    return root


def set_energy(root: Path, folder: str, value: int) -> None:
    (root / folder / "energy_uj").write_text(f"{value}\n")


class FakeNvml:
    """The few pynvml calls the meter makes, for a machine with one GPU."""

    def __init__(self, energy_mj: int = 1_000, supported: bool = True) -> None:
        self.energy_mj = energy_mj
        self.supported = supported

    def nvmlInit(self):  # noqa: N802 (pynvml's names)
        pass

    def nvmlDeviceGetCount(self):  # noqa: N802
        return 1

    def nvmlDeviceGetHandleByIndex(self, index):  # noqa: N802
        return f"gpu{index}"

    def nvmlDeviceGetName(self, handle):  # noqa: N802
        return b"NVIDIA H100"

    def nvmlDeviceGetTotalEnergyConsumption(self, handle):  # noqa: N802
        if not self.supported:
            raise RuntimeError("NVMLError_NotSupported")
        return self.energy_mj


def no_nvml(config):
    return EnergyMeter(config, nvml=None)


def test_rapl_delta_handles_the_counter_wrap():
    assert rapl_delta_uj(100, 350, 1000) == 250
    assert rapl_delta_uj(900, 100, 1000) == 200  # wrapped once: 100 to the top, 100 after


def test_rapl_reads_package_domains_only(tmp_path):
    root = fake_rapl(
        tmp_path,
        {
            "intel-rapl:0": ("package-0", 5_000_000, 262_143_328_850),
            "intel-rapl:0:0": ("core", 1, 10),
            "intel-rapl:1": ("package-1", 7_000_000, 262_143_328_850),
            "intel-rapl:2": ("psys", 1, 10),
        },
    )
    assert [d.name for d in rapl_packages(root)] == ["package-0", "package-1"]


def test_unreadable_rapl_falls_back_to_the_estimate(tmp_path):
    root = fake_rapl(tmp_path, {"intel-rapl:0": ("package-0", 5, 100)})
    # Reading fails with an OSError, as for a non-root user since CVE-2020-8694
    # (a folder in its place, because root could read a chmod 0 file).
    (root / "intel-rapl:0" / "energy_uj").unlink()
    (root / "intel-rapl:0" / "energy_uj").mkdir()
    meter = no_nvml(MeterConfig(powercap=root))
    assert meter.rapl == []
    assert meter.reading(meter.start(), cpu_seconds=1, peak_rss_mb=0, wall_seconds=1).method == "estimate"


def test_rapl_measurement_with_wrap(tmp_path):
    root = fake_rapl(
        tmp_path,
        {
            "intel-rapl:0": ("package-0", 999_000_000, 1_000_000_000),
            "intel-rapl:1": ("package-1", 10, 1_000_000_000),
        },
    )
    meter = no_nvml(MeterConfig(powercap=root))
    token = meter.start()
    set_energy(root, "intel-rapl:0", 1_500_000)  # wrapped: 1.0 J to the top + 1.5 J
    set_energy(root, "intel-rapl:1", 2_000_010)  # 2.0 J
    reading = meter.reading(token, cpu_seconds=0.5, peak_rss_mb=100, wall_seconds=0.6)
    assert reading.method == "measured (RAPL)"
    assert reading.joules == pytest.approx(4.5)
    assert "package-0, package-1" in reading.formula
    assert "whole CPU package" in reading.exclusions


def test_nvml_is_added_when_the_demo_uses_a_gpu_framework(tmp_path):
    nvml = FakeNvml(energy_mj=10_000)
    meter = EnergyMeter(MeterConfig(powercap=tmp_path, watts_per_core=10), nvml=NvmlCounters(nvml))
    token = meter.start()
    nvml.energy_mj = 35_000  # 25 J on the GPU
    reading = meter.reading(
        token, cpu_seconds=1.0, peak_rss_mb=0, wall_seconds=1.0, modules=["torch", "numpy"]
    )
    assert reading.joules == pytest.approx(10 + 25)
    assert reading.method == "estimate + measured (NVML)"  # the CPU part is estimated: said first
    assert "NVIDIA H100" in reading.hardware
    # a CPU-only demo on the same machine: the GPU is not charged to it
    cpu_only = meter.reading(
        meter.start(), cpu_seconds=1.0, peak_rss_mb=0, wall_seconds=1.0, modules=["numpy"]
    )
    assert cpu_only.method == "estimate" and cpu_only.joules == pytest.approx(10)


def test_rapl_and_nvml_together_are_both_measured(tmp_path):
    root = fake_rapl(tmp_path, {"intel-rapl:0": ("package-0", 0, 10**12)})
    nvml = FakeNvml(energy_mj=0)
    meter = EnergyMeter(MeterConfig(powercap=root), nvml=NvmlCounters(nvml))
    token = meter.start()
    set_energy(root, "intel-rapl:0", 3_000_000)
    nvml.energy_mj = 2_000
    reading = meter.reading(token, cpu_seconds=1, peak_rss_mb=0, wall_seconds=1, modules=["cupy"])
    assert reading.method == "measured (RAPL + NVML)"
    assert reading.joules == pytest.approx(5.0)


def test_nvml_without_energy_counter_is_not_used(monkeypatch):
    import sys
    import types

    fake = types.ModuleType("pynvml")
    nvml = FakeNvml(supported=False)
    for name in dir(nvml):
        if name.startswith("nvml"):
            setattr(fake, name, getattr(nvml, name))
    monkeypatch.setitem(sys.modules, "pynvml", fake)
    assert NvmlCounters.open() is None
    nvml.supported = True
    assert NvmlCounters.open().names == ["NVIDIA H100"]


def test_estimate_matches_a_hand_calculation(tmp_path):
    meter = no_nvml(MeterConfig(powercap=tmp_path))  # no RAPL here
    meter.per_core = 12.0  # an unknown CPU: Green Algorithms' 12 W per core
    reading = meter.reading(meter.start(), cpu_seconds=0.5, peak_rss_mb=512, wall_seconds=0.8)
    # 0.5 CPU-s x 12 W = 6 J;  0.5 GB x 0.3725 W/GB x 0.8 s = 0.149 J
    assert reading.joules == pytest.approx(6.149)
    assert reading.method == "estimate"
    assert "0.500 CPU-s x 12 W per core" in reading.formula and "6.149 J" in reading.formula
    # CO2e at 472.94 g/kWh (Ember, world): 6.149 J / 3.6e6 J/kWh x 472.94 = 0.80781 mg;
    # with PUE 1.56: 1.26018 mg
    carbon = carbon_settings(core_settings.read({}, CARBON_SETTINGS))
    assert carbon.co2e_grams(reading.joules) == pytest.approx(6.149 / 3.6e6 * 472.94)
    assert carbon.co2e_grams(reading.joules) * 1000 == pytest.approx(0.80781, rel=1e-4)
    with_pue = carbon_settings(core_settings.read({"DATACENTER_PUE": 1.56}, CARBON_SETTINGS))
    assert with_pue.co2e_grams(reading.joules) * 1000 == pytest.approx(1.26018, rel=1e-4)


def test_cpu_power_lookup_and_setting():
    assert meter_module.watts_per_core("AMD EPYC 7763 64-Core Processor", None)[0] == pytest.approx(280 / 64)
    assert meter_module.watts_per_core("Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz", None)[0] == pytest.approx(
        7.5
    )
    assert meter_module.watts_per_core("Intel(R) Xeon(R) Processor", None) == (
        12.0,
        "Green Algorithms default for an unknown CPU",
    )
    assert meter_module.watts_per_core("anything", 4.0) == (4.0, "CPU_WATTS_PER_CORE setting")
    # Exact model names only: an i7-8700T is a 35 W part, not the 65 W i7-8700.
    watts, source = meter_module.watts_per_core("Intel(R) Core(TM) i7-8700T CPU @ 2.40GHz", None)
    assert watts == pytest.approx(35 / 6) and "Intel ARK" in source
    assert meter_module.watts_per_core("Intel(R) Core(TM) i7-8700K CPU @ 3.70GHz", None)[0] == 12.0


def test_settings_reach_the_meter(tmp_path):
    settings = {"CPU_WATTS_PER_CORE": 5, "MEMORY_WATTS_PER_GB": 1, "DEMOS_POWERCAP_PATH": str(tmp_path)}
    meter = EnergyMeter(DemoSettings.from_settings(settings).meter, nvml=None)
    reading = meter.reading(meter.start(), cpu_seconds=2, peak_rss_mb=1024, wall_seconds=3)
    assert reading.joules == pytest.approx(2 * 5 + 1 * 1 * 3)


def test_process_meter_measures_the_current_process():
    meter = ProcessMeter(MeterConfig(watts_per_core=10))
    sum(i * i for i in range(300_000))
    reading = meter.stop()
    assert reading.joules > 0
    assert reading.method in ("estimate", "measured (RAPL)")
    assert reading.formula and reading.hardware


def test_bad_carbon_intensity_is_reported_and_uses_the_default(caplog):
    problems.clear()
    values = core_settings.read({"CARBON_INTENSITY": {"region": "nowhere"}}, CARBON_SETTINGS)
    assert carbon_settings(values).intensity.g_per_kwh == 472.94  # the default: Ember's world figure
    assert "CARBON_INTENSITY" in caplog.text
    assert any("CARBON_INTENSITY" in problem.message for problem in problems.reported())
    problems.clear()
