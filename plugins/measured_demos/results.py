"""Frozen records passed between the runner, the meter, the cache and the renderer.

Nothing here imports Pelican: the runner and the benchmarks use these types too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class DemoFailure:
    """Why a demo did not finish: what a reader and an author need to fix it."""

    kind: str  # exception class name, "TimeoutError", "Crash", "ExitError"...
    message: str
    line: int | None = None  # line in the demo script, when known
    traceback: str = ""


@dataclass(frozen=True)
class RunOutcome:
    """What one demo process did, as seen from outside it (runner.run_demo)."""

    returncode: int
    stdout: str
    stderr: str
    output_truncated: bool
    wall_seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    started_at: float  # time.time() when the process started
    figures: tuple[Path, ...] = ()
    artifacts: dict[str, Path] = field(default_factory=dict)
    imported_modules: tuple[str, ...] = ()
    failure: DemoFailure | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None


@dataclass(frozen=True)
class EnergyReading:
    """Energy of one measured interval, with how it was obtained."""

    joules: float
    method: str  # "measured (RAPL)", "measured (NVML)", "estimate", ...
    formula: str  # the arithmetic, in words a reader can check
    hardware: str
    exclusions: str = ""


@dataclass(frozen=True)
class CarbonIntensity:
    g_per_kwh: float
    region: str
    year: int | str
    source: str
    url: str = ""


@dataclass(frozen=True)
class DemoResult:
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
    artifacts: dict[str, Path]
    energy_joules: float
    method: str
    formula: str
    hardware: str
    exclusions: str
    co2e_grams: float
    intensity: CarbonIntensity
    pue: float | None
    measured_at: str  # ISO 8601
    machine: str
    cpu_seconds: float
    wall_seconds: float
    peak_rss_mb: float
    packages: dict[str, str]
    python_version: str
    parallel_peers: int
    from_cache: bool
    failure: DemoFailure | None = None
    # Distributions the script imports itself; `packages` also has what those loaded.
    demo_packages: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.failure is None


@dataclass(frozen=True)
class DemoRequest:
    """One `::: demo` block as the author wrote it (paths relative to the project root)."""

    script: str
    post: str  # the post's path, as reported in errors
    line: int  # line of the block in the post
    caption: str = ""
    timeout: float | None = None
    memory_mb: int | None = None
    data: tuple[str, ...] = ()
    allow_error: bool = False
    show_source: bool = False
