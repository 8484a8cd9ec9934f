"""Energy of an interval: measured by RAPL or NVML where the machine can, else estimated.

Methods, in order of preference, and always recorded with the reading:

- "measured (RAPL)": CPU package counters in /sys/class/powercap, read before and
  after; a counter that wrapped (passed `max_energy_range_uj`) is unwrapped.
- "measured (NVML)": the GPU's total-energy counter (nvidia-ml-py), added when a
  GPU is present and the demo imported a GPU framework.
- "estimate": Green Algorithms (Lannelongue et al. 2021) with CPU time instead of
  cores x usage x time and peak RSS instead of the memory allocated, no PUE:
  E = CPU-seconds x W per core + GB of peak RSS x W per GB x seconds. Its range is
  worked out from the same inputs by `estimate_range`.

No Pelican import: the footprint plugin and the benchmarks use ProcessMeter directly.
"""

from __future__ import annotations

import os
import re
import resource
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from plugin_core.demo_link import EnergyReading

POWERCAP = Path("/sys/class/powercap")
# Green Algorithms (Lannelongue, Grealey, Inouye 2021, Adv. Sci. 8, 2100707): 12 W per core
# for an unknown CPU (TDP_cpu.csv, row "Any") and 0.3725 W per GB of memory (v2.2).
DEFAULT_WATTS_PER_CORE = 12.0
DEFAULT_WATTS_PER_GB = 0.3725
INTEL_ARK = "Intel ARK product specifications"
AMD_SPECS = "AMD product specifications"
# Manufacturer TDP (W), cores and source, the way Green Algorithms' TDP_cpu table derives
# W per core. Matched on the exact model name (see `model_key`), never on a substring:
# an i7-8700T (35 W) is not an i7-8700 (65 W).
CPU_TDP: dict[str, tuple[float, int, str]] = {
    "AMD EPYC 7742": (225, 64, AMD_SPECS),
    "AMD EPYC 7763": (280, 64, AMD_SPECS),
    "AMD EPYC 9654": (360, 96, AMD_SPECS),
    "AMD Ryzen 7 5800X": (105, 8, AMD_SPECS),
    "AMD Ryzen 9 5950X": (105, 16, AMD_SPECS),
    "Intel Core i7-8700": (65, 6, INTEL_ARK),
    "Intel Core i7-8700T": (35, 6, INTEL_ARK),
    "Intel Core i7-1165G7": (28, 4, INTEL_ARK),
    "Intel Xeon Gold 6148": (150, 20, INTEL_ARK),
    "Intel Xeon Platinum 8280": (205, 28, INTEL_ARK),
}
NOISE = re.compile(r"\((R|TM)\)|\bCPU\b|@\s*[\d.]+\s*GHz|\b\d+-Core Processor\b|\bProcessor\b|^\d+th Gen\b")
GPU_MODULES = frozenset({"torch", "cupy", "jax", "tensorflow"})
EXCLUDED = (
    "idle power of the machine, the screen and network, cooling (unless a PUE is set) "
    "and the emissions from making the hardware (embodied)"
)


class MeterConfig(NamedTuple):
    watts_per_core: float | None = None  # None: look the CPU up, else the default
    watts_per_gb: float = DEFAULT_WATTS_PER_GB
    powercap: Path = POWERCAP
    use_nvml: bool = True


# --- hardware -----------------------------------------------------------------------


def cpu_model(cpuinfo: Path = Path("/proc/cpuinfo")) -> str:
    try:
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return " ".join(line.split(":", 1)[1].split())
    except OSError:
        pass
    # Not `platform`: its import compiles a dozen regexes on every build, for what uname says.
    return os.uname().machine or "unknown CPU"


def model_key(model: str) -> str:
    """'Intel(R) Core(TM) i7-8700T CPU @ 2.40GHz' -> 'Intel Core i7-8700T' (a CPU_TDP key)."""
    return " ".join(NOISE.sub(" ", model).split())


def watts_per_core(model: str, configured: float | None) -> tuple[float, str]:
    """W per core for `model` and where the figure comes from (exact model match only)."""
    if configured is not None:
        return configured, "CPU_WATTS_PER_CORE setting"
    key = model_key(model)
    if key in CPU_TDP:
        tdp, cores, source = CPU_TDP[key]
        return tdp / cores, f"{key}: TDP {tdp:g} W / {cores} cores ({source})"
    return DEFAULT_WATTS_PER_CORE, "Green Algorithms default for an unknown CPU"


def describe_machine(model: str | None = None) -> str:
    system = os.uname()
    return f"{model or cpu_model()}, {os.cpu_count()} logical CPUs, {system.sysname} {system.machine}"


# --- RAPL -----------------------------------------------------------------------------


class RaplDomain(NamedTuple):
    path: Path
    name: str
    max_range_uj: int

    def read_uj(self) -> int:
        return int((self.path / "energy_uj").read_text())


def rapl_packages(powercap: Path = POWERCAP) -> list[RaplDomain]:
    """The readable CPU package domains (top level `intel-rapl:N`), or [] when there are none."""
    domains = []
    for path in sorted(powercap.glob("intel-rapl:*")):
        if path.name.count(":") != 1:
            continue  # sub-domains (core, uncore, dram) are inside the package figure
        try:
            name = (path / "name").read_text().strip()
            max_range = int((path / "max_energy_range_uj").read_text())
            int((path / "energy_uj").read_text())  # root-only on most systems (CVE-2020-8694)
        except (OSError, ValueError):
            continue
        if name.startswith("package"):
            domains.append(RaplDomain(path, name, max_range))
    return domains


def rapl_delta_uj(before: int, after: int, max_range_uj: int) -> int:
    """Energy between two readings of a counter that wraps at `max_range_uj`."""
    if after >= before:
        return after - before
    return after + max_range_uj - before


# --- NVML -----------------------------------------------------------------------------


class NvmlCounters:
    """Total-energy counters (mJ) of all GPUs, through nvidia-ml-py's `pynvml`."""

    def __init__(self, pynvml: Any) -> None:
        self.nvml = pynvml
        pynvml.nvmlInit()
        count = pynvml.nvmlDeviceGetCount()
        self.handles = [pynvml.nvmlDeviceGetHandleByIndex(index) for index in range(count)]
        names = [pynvml.nvmlDeviceGetName(handle) for handle in self.handles]
        self.names = [name.decode() if isinstance(name, bytes) else str(name) for name in names]
        for handle in self.handles:  # Volta or newer; raises NVMLError otherwise
            pynvml.nvmlDeviceGetTotalEnergyConsumption(handle)

    def read_mj(self) -> list[int]:
        return [self.nvml.nvmlDeviceGetTotalEnergyConsumption(h) for h in self.handles]

    @classmethod
    def open(cls) -> NvmlCounters | None:
        try:
            import pynvml
        except ImportError:
            return None
        try:
            counters = cls(pynvml)
        except Exception:  # noqa: BLE001 - NVMLError: no driver, no GPU, counter unsupported
            return None
        return counters if counters.handles else None


# --- the meter ------------------------------------------------------------------------


class MeterToken(NamedTuple):
    wall: float
    rapl_uj: tuple[int, ...]
    gpu_mj: tuple[int, ...]


class EnergyMeter:
    """Reads counters around an interval; `reading()` turns them into an EnergyReading."""

    def __init__(self, config: MeterConfig | None = None, nvml: NvmlCounters | None = None) -> None:
        self.config = config or MeterConfig()
        self.rapl = rapl_packages(self.config.powercap)
        self.nvml = nvml if nvml is not None else (NvmlCounters.open() if self.config.use_nvml else None)
        self.model = cpu_model()
        self.per_core, self.per_core_source = watts_per_core(self.model, self.config.watts_per_core)

    def start(self) -> MeterToken:
        return MeterToken(
            time.perf_counter(),
            tuple(domain.read_uj() for domain in self.rapl),
            tuple(self.nvml.read_mj()) if self.nvml else (),
        )

    def reading(
        self,
        token: MeterToken,
        *,
        cpu_seconds: float,
        peak_rss_mb: float,
        wall_seconds: float | None = None,
        modules: Iterable[str] = (),
    ) -> EnergyReading:
        """Energy since `token` for a process that used `cpu_seconds` and `peak_rss_mb`."""
        wall = wall_seconds if wall_seconds is not None else time.perf_counter() - token.wall
        parts: list[tuple[str, float, str]] = []  # (method, joules, formula)
        if self.rapl:
            after = [domain.read_uj() for domain in self.rapl]
            micro = sum(
                rapl_delta_uj(b, a, d.max_range_uj)
                for b, a, d in zip(token.rapl_uj, after, self.rapl, strict=True)
            )
            names = ", ".join(domain.name for domain in self.rapl)
            parts.append(
                ("measured (RAPL)", micro / 1e6, f"RAPL counter difference over {wall:.3f} s ({names})")
            )
        else:
            parts.append(self._estimate(cpu_seconds, peak_rss_mb, wall))
        if self.nvml and GPU_MODULES.intersection(modules):
            after_mj = self.nvml.read_mj()
            milli = sum(a - b for b, a in zip(token.gpu_mj, after_mj, strict=True))
            parts.append(
                ("measured (NVML)", milli / 1e3, f"NVML GPU energy counter difference over {wall:.3f} s")
            )
        joules = sum(part[1] for part in parts)
        hardware = describe_machine(self.model)
        if len(parts) > 1:
            hardware += "; GPU: " + ", ".join(self.nvml.names)  # type: ignore[union-attr]
        return EnergyReading(
            joules=joules,
            method=_method_name(part[0] for part in parts),
            formula="; ".join(part[2] for part in parts),
            hardware=hardware,
            exclusions=self._exclusions(parts),
            estimated_joules=next((part[1] for part in parts if part[0] == "estimate"), None),
        )

    def _estimate(self, cpu_seconds: float, peak_rss_mb: float, wall: float) -> tuple[str, float, str]:
        gigabytes = peak_rss_mb / 1024
        cpu_joules = cpu_seconds * self.per_core
        memory_joules = gigabytes * self.config.watts_per_gb * wall
        total = cpu_joules + memory_joules
        formula = (
            f"{cpu_seconds:.3f} CPU-s x {self.per_core:g} W per core ({self.per_core_source}) "
            f"+ {gigabytes:.3f} GB peak RSS (not the memory allocated, as Green Algorithms has it) "
            f"x {self.config.watts_per_gb:g} W/GB x {wall:.3f} s "
            f"= {cpu_joules:.3f} J + {memory_joules:.4f} J = {total:.3f} J "
            "(Green Algorithms, Lannelongue et al. 2021)"
        )
        return "estimate", total, formula

    def _exclusions(self, parts: list[tuple[str, float, str]]) -> str:
        if parts[0][0] == "measured (RAPL)":
            return (
                "memory outside the CPU package, the screen and network, cooling (unless a PUE "
                "is set) and embodied emissions; RAPL counts the whole CPU package, so other work "
                "on the machine during the run is included"
            )
        return EXCLUDED


def _method_name(methods: Iterable[str]) -> str:
    """One label; anything estimated says so first, so an estimate never reads as a measurement."""
    methods = list(methods)
    if "estimate" in methods:
        measured = [m.removeprefix("measured ") for m in methods if m != "estimate"]
        return "estimate" + "".join(f" + measured {m}" for m in measured)
    if len(methods) == 1:
        return methods[0]
    inside = " + ".join(m.removeprefix("measured (").removesuffix(")") for m in methods)
    return f"measured ({inside})"


class ProcessMeter:
    """Energy of the current process from now until `stop()`, with the same meter as the demos.

    The build's own meter (plugin_core.demo_link.BuildEnergy): the footprint
    plugin stops it when the site is written.
    """

    def __init__(self, config: MeterConfig | None = None) -> None:
        self.meter = EnergyMeter(config)
        self.token = self.meter.start()
        self.cpu_before = _own_cpu_seconds()

    def stop(self) -> EnergyReading:
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return self.meter.reading(
            self.token, cpu_seconds=_own_cpu_seconds() - self.cpu_before, peak_rss_mb=peak_mb
        )


def _own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
