"""What the measured_demos plugin hands to the others, as types they can ask for.

measured_demos publishes one `DemoBuild` per run (`Build.publish`); the
widgets read a training demo's artifacts from it and the footprint lists
every demo's cost. `BuildEnergy` is the meter the footprint uses to say what
the build itself cost. Nothing here runs anything: these are the contracts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import NamedTuple

from .carbon import CarbonIntensity


class DemoFailure(NamedTuple):
    """Why a demo did not finish: what a reader and an author need to fix it."""

    kind: str  # exception class name, "TimeoutError", "Crash", "ExitError"...
    message: str
    line: int | None = None  # line in the demo script, when known
    traceback: str = ""


class EnergyReading(NamedTuple):
    """Energy of one measured interval, with how it was obtained."""

    joules: float
    method: str  # "measured (RAPL)", "measured (NVML)", "estimate", ...
    formula: str  # the arithmetic, in words a reader can check
    hardware: str
    exclusions: str = ""
    # The estimated part of `joules` (the CPU and memory estimate), None when all of it
    # was read from counters. Records written before it existed derive it from `method`.
    estimated_joules: float | None = None

    @property
    def estimated_part(self) -> float:
        if self.estimated_joules is not None:
            return self.estimated_joules
        return self.joules if self.method.startswith("estimate") else 0.0

    @property
    def kind(self) -> str:
        """'estimated', 'measured', or 'estimated and measured': the word a reader sees."""
        if not self.method.startswith("estimate"):
            return "measured"
        return "estimated and measured" if "measured" in self.method else "estimated"


class EnergyRange(NamedTuple):
    """Where an estimate can lie: both ends defined by a named method, each cited.

    All three figures are the energy the CO2e is computed from (PUE included where
    the end applies one), in joules.
    """

    low_joules: float
    central_joules: float
    high_joules: float
    low_basis: str
    central_basis: str
    high_basis: str


class WorkerInfo(NamedTuple):
    """The machine a demo ran on when a Dask worker ran it (a local run has none)."""

    name: str  # the worker's name (`dask worker --name`), or its address
    address: str  # e.g. tcp://10.0.0.7:40123
    host: str  # host name of the worker's machine
    cpu: str  # CPU model of that machine
    python: str  # Python version there
    intensity: CarbonIntensity | None = None  # the worker's region; None: the build's is used
    differences: tuple[str, ...] = ()  # versions that differ from the build's, in words


class DemoResult(NamedTuple):
    """One demo's result as a page shows it; CO2e is computed for this build's intensity.

    `energy_joules` is the energy of the machine (IT energy). `co2e_grams` applies
    the data-centre PUE when one is configured, then the carbon intensity.
    """

    script: str
    caption: str
    key: str
    stdout: str
    stderr: str
    output_truncated: bool
    figures: tuple[Path, ...]
    artifacts: Mapping[str, Path]
    energy: EnergyReading
    co2e_grams: float
    intensity: CarbonIntensity
    pue: float | None
    measured_at: str  # ISO 8601
    machine: str
    cpu_seconds: float
    wall_seconds: float
    peak_rss_mb: float
    packages: Mapping[str, str]
    python_version: str
    parallel_peers: int
    from_cache: bool
    failure: DemoFailure | None = None
    # Distributions the script imports itself; `packages` also has what those loaded.
    demo_packages: tuple[str, ...] = ()
    energy_range: EnergyRange | None = None  # None for a figure read from counters only
    region: str = ""  # where it ran (CARBON_REGION at the time), "" if not recorded
    runs_reused: int = 0  # builds served from the cache since the entry was made

    @property
    def energy_per_run(self) -> float:
        """Central energy of one run, PUE included when configured (what CO2e is computed from)."""
        return self.energy_range.central_joules if self.energy_range else self.energy.joules * (self.pue or 1)
    worker: WorkerInfo | None = None  # set when a Dask worker ran the demo

    @property
    def ok(self) -> bool:
        return self.failure is None

    @property
    def energy_joules(self) -> float:
        return self.energy.joules

    @property
    def method(self) -> str:
        return self.energy.method


class PageDemos(NamedTuple):
    """The demos shown on one article or page."""

    title: str
    url: str
    results: tuple[DemoResult, ...]


class DemoBuild(NamedTuple):
    """Every demo of one build: by script, and page by page."""

    by_script: Mapping[str, DemoResult]
    pages: tuple[PageDemos, ...] = ()

    def result_for(self, script: str) -> DemoResult | None:
        return self.by_script.get(Path(script).as_posix().removeprefix("./"))


class BuildEnergy(NamedTuple):
    """The build's own energy meter, started when the run starts; `stop()` reads it."""

    stop: Callable[[], EnergyReading]
