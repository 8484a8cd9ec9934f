"""What a Dask worker does with one demo: run it like a local run, measured by its own machine.

The build sends a `RemoteJob`: the script and its declared data files (bytes,
by path relative to the project root) and the settings that shape the run. The
worker writes them into a temporary project folder, runs the demo with
`demo_process.run_demo` (same limits, seeds, threads and failure reporting as
a local run), reads its own energy meter (RAPL or NVML there, else the estimate
for its CPU) and returns a `RemoteResult` with the figures' and artifacts'
bytes. Nothing here imports Dask: only the worker's name comes from it.

The worker's region is the environment variable DEMOS_WORKER_CARBON_INTENSITY,
a JSON object shaped like the CARBON_INTENSITY setting; CPU_WATTS_PER_CORE
there overrides the TDP table for the estimate.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import tempfile
from dataclasses import replace
from functools import cache
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from plugin_core.carbon import CarbonIntensity, intensity
from plugin_core.demo_link import EnergyReading, WorkerInfo

from .demo_process import RunRequest, run_demo
from .meter import EnergyMeter, MeterConfig
from .package_versions import module_distributions, versions
from .results import DemoFailure, RunOutcome

REGION_VARIABLE = "DEMOS_WORKER_CARBON_INTENSITY"
WATTS_VARIABLE = "CPU_WATTS_PER_CORE"
FIGURE_FORMATS = ("svg",)  # what child.py writes


class RemoteJob(NamedTuple):
    script: str  # relative to the project root, e.g. demos/x.py
    files: dict[str, bytes]  # the script and its data files, by relative path
    timeout: float
    memory_limit_mb: int | None
    output_limit: int
    seed: int
    threads: int
    figure_format: str
    watts_per_gb: float


class RemoteResult(NamedTuple):
    outcome: RunOutcome  # figures and artifacts hold bare names: the files are below
    figures: tuple[tuple[str, bytes], ...]
    artifacts: tuple[tuple[str, bytes], ...]
    reading: EnergyReading
    worker: WorkerInfo
    packages: dict[str, str]  # versions on the worker of what the demo imported
    root: str  # the worker's temporary project folder, as it appears in tracebacks
    problems: tuple[str, ...] = ()  # worker set-up mistakes, e.g. a bad region variable


def run_remote(job: RemoteJob) -> RemoteResult:
    """Run one demo on this machine (called by a Dask worker)."""
    region, problems = worker_region(os.environ)
    with tempfile.TemporaryDirectory(prefix="measured-demo-remote-") as folder:
        root = Path(folder) / "project"
        for relative, data in job.files.items():
            path = inside(root, relative)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        request = RunRequest(
            script=root / job.script,
            cwd=root,
            timeout=job.timeout,
            memory_limit_mb=job.memory_limit_mb,
            output_limit=job.output_limit,
            seed=job.seed,
            threads=job.threads,
        )
        meter = worker_meter(job.watts_per_gb)
        token = meter.start()
        if job.figure_format in FIGURE_FORMATS:
            outcome = run_demo(request, Path(folder) / "work")
        else:
            outcome = _unsupported(job.figure_format)
        reading = meter.reading(
            token,
            cpu_seconds=outcome.cpu_seconds,
            peak_rss_mb=outcome.peak_rss_mb,
            wall_seconds=outcome.wall_seconds,
            modules=outcome.imported_modules,
        )
        figures = tuple((path.name, path.read_bytes()) for path in outcome.figures)
        artifacts = tuple((name, path.read_bytes()) for name, path in outcome.artifacts.items())
    name, address = _dask_worker()
    return RemoteResult(
        outcome=replace(
            outcome,
            figures=tuple(Path(name) for name, _ in figures),
            artifacts={name: Path(name) for name, _ in artifacts},
        ),
        figures=figures,
        artifacts=artifacts,
        reading=reading._replace(hardware=f"{reading.hardware} (host {socket.gethostname()})"),
        worker=WorkerInfo(
            name=name or address or socket.gethostname(),
            address=address,
            host=socket.gethostname(),
            cpu=meter.model,
            python=sys.version.split()[0],
            intensity=region,
        ),
        packages=versions(outcome.imported_modules, module_distributions()),
        root=str(root),
        problems=problems,
    )


def inside(root: Path, relative: str) -> Path:
    """`root/relative`, refusing a path that would leave the project folder."""
    parts = PurePosixPath(relative).parts
    if not parts or PurePosixPath(relative).is_absolute() or ".." in parts:
        raise ValueError(f"refusing to write {relative!r} outside the demo's project folder")
    return root.joinpath(*parts)


def worker_region(environ: dict[str, str] | os._Environ) -> tuple[CarbonIntensity | None, tuple[str, ...]]:
    """This worker's carbon intensity from DEMOS_WORKER_CARBON_INTENSITY, if set and valid."""
    text = environ.get(REGION_VARIABLE, "").strip()
    if not text:
        return None, ()
    try:
        return intensity(json.loads(text)), ()
    except (ValueError, TypeError) as error:
        return None, (
            f"{REGION_VARIABLE} on host {socket.gethostname()} is not valid ({error}); expected JSON like "
            '\'{"g_per_kwh": 56, "region": "France", "year": 2023, "source": "...", "url": "..."}\'',
        )


@cache
def worker_meter(watts_per_gb: float) -> EnergyMeter:
    """One meter per worker process: RAPL and NVML are opened once, not per demo."""
    configured = os.environ.get(WATTS_VARIABLE)
    return EnergyMeter(
        MeterConfig(watts_per_core=float(configured) if configured else None, watts_per_gb=watts_per_gb)
    )


@cache
def _dask_worker() -> tuple[str, str]:
    """This worker's name and address, or empty strings outside a Dask worker."""
    try:
        from distributed import get_worker  # present wherever a Dask worker calls this

        worker = get_worker()
    except (ImportError, ValueError):
        return "", ""
    return str(worker.name), str(worker.address)


def _unsupported(figure_format: str) -> RunOutcome:
    failure = DemoFailure(
        "WorkerError",
        f"this worker's measured_demos saves figures as {', '.join(FIGURE_FORMATS)}, not {figure_format}; "
        "install the same version of the plugins on the worker as on the build machine",
    )
    return RunOutcome(1, "", "", False, 0.0, 0.0, 0.0, 0.0, failure=failure)
