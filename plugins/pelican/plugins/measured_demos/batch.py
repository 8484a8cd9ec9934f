"""The demos of one build: key each demo, use the cache, run the rest, store successes.

No Pelican here. `run_batch` takes the requests found in the posts and returns one
`DemoRun` per distinct demo (script + key), whether it came from the cache or ran.
"""

from __future__ import annotations

import logging
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from plugin_core.carbon import CarbonSettings
from plugin_core.demo_link import DemoFailure, DemoResult, EnergyReading, WorkerInfo
from plugin_core.publishing import sha256_file

from .cache import CacheEntry, CorruptEntryError, DemoCache, cache_key, changed_packages
from .estimate_range import estimate_range
from .figures import over_budget
from .meter import DEFAULT_WATTS_PER_GB, EnergyMeter
from .package_versions import module_distributions, script_imports, versions
from .record import DemoRecord
from .results import DemoRequest, RunOutcome
from .settings import DemoSettings

logger = logging.getLogger(__name__)

@dataclass
class DemoRun:
    """One distinct demo in this build and what became of it."""

    script: str
    key: str
    inputs: dict[str, Any]
    requests: list[DemoRequest] = field(default_factory=list)
    entry: CacheEntry | None = None  # set when the result is cached (old or new)
    outcome: RunOutcome | None = None  # set when it ran in this build
    reading: EnergyReading | None = None
    ran: bool = False
    interval: tuple[float, float] = (0.0, 0.0)
    record: DemoRecord | None = None  # what result.json holds (cached, or this run's)
    work: Path | None = None  # temporary folder: the run's files, or the checked copy of its entry
    reuses: int = 0  # builds that used the cached entry instead of running it, this one included
    worker: WorkerInfo | None = None  # set when a Dask worker ran it (cluster.py)
    packages: dict[str, str] | None = None  # versions on that worker of what the demo imported
    store_error: str | None = None  # why this run's result could not be cached

    # Pages are made from this build's own files (the run's folder, or the copy taken
    # when the entry was checked), never from the cache folder a demo could change.
    @property
    def figures(self) -> tuple[Path, ...]:
        if self.outcome is not None:
            return self.outcome.figures
        return self.entry.figures if self.entry else ()

    @property
    def artifacts(self) -> dict[str, Path]:
        if self.outcome is not None:
            return self.outcome.artifacts
        return self.entry.artifacts if self.entry else {}

    @property
    def failure(self) -> DemoFailure | None:
        return self.outcome.failure if self.outcome else None

    @property
    def timeout(self) -> float | None:
        values = [r.timeout for r in self.requests if r.timeout]
        return max(values) if values else None

    @property
    def memory_mb(self) -> int | None:
        values = [r.memory_mb for r in self.requests if r.memory_mb]
        return max(values) if values else None


class BatchReport(NamedTuple):
    runs: dict[tuple[str, str], DemoRun]
    ran: int
    cached: int


def demo_inputs(request: DemoRequest, settings: DemoSettings) -> dict[str, Any]:
    """Everything that goes into the key (the files must exist: the directive checked)."""
    return {
        "script_sha256": sha256_file(settings.root / request.script),
        "data": {path: sha256_file(settings.root / path) for path in sorted(request.data)},
        "python": sys.version.split()[0],
        "options": {
            "seed": settings.seed,
            "threads": settings.threads,
            "figure_format": request.figure_format,
        },
    }


def run_batch(
    requests: list[DemoRequest], settings: DemoSettings, meter: EnergyMeter | Callable[[], EnergyMeter]
) -> BatchReport:
    """`meter` may be a factory: a fully cached build then never opens RAPL or NVML."""
    cache = DemoCache(settings.cache_path)
    runs: dict[tuple[str, str], DemoRun] = {}
    for request in requests:
        inputs = demo_inputs(request, settings)
        key = cache_key(inputs["script_sha256"], inputs["data"], inputs["python"], inputs["options"])
        run = runs.setdefault((request.script, key), DemoRun(request.script, key, inputs))
        run.requests.append(request)
    for name in sorted(settings.rerun - {"all"} - {script for script, _ in runs}):
        logger.warning(
            "measured_demos: DEMOS_RERUN names '%s', which no post uses; write the path as in "
            "the directive (e.g. demos/x.py) or 'all'",
            name,
        )

    pending = [run for run in runs.values() if not _use_cache(run, cache, settings)]
    if pending:
        # The runner is imported only when a demo runs: a build with every demo cached
        # (most rebuilds) does not pay for it.
        from .demo_process import allow_runs
        from .executors import run_pending

        allow_runs()
        try:
            run_pending(pending, settings, meter, _execute)
        except KeyboardInterrupt as stop:
            # Ctrl-C: every running demo was ended at once (executors); store nothing.
            raise DemosInterrupted(getattr(stop, "stopped", 0)) from None
        _report_containment(pending)
        _store(pending, cache, settings)
    _restore_vanished(runs.values(), cache)
    if settings.prune:
        _prune(runs.values(), cache)
    return BatchReport(runs, ran=len(pending), cached=len(runs) - len(pending))


class DemosInterrupted(KeyboardInterrupt):
    """The build was interrupted while demos ran; they were all killed, nothing was cached."""

    def __init__(self, stopped: int) -> None:
        super().__init__(f"{stopped} running demo(s) stopped")
        self.stopped = stopped


def _report_containment(runs: list[DemoRun]) -> None:
    """Say once how demos were contained, and name any process that escaped its demo."""
    modes = sorted({run.outcome.isolation for run in runs if run.outcome and run.outcome.isolation})
    if "process group" in modes:
        logger.warning(
            "measured_demos: demos ran in their own process group only (a PID namespace needs root "
            "on Linux): a process a demo starts in a new session is found by its environment and "
            "killed after the demo ends, but could outlive a build that is killed"
        )
    elif modes:
        logger.info("measured_demos: each demo ran in its own PID namespace; all it started ended with it")
    for run in runs:
        if run.outcome and run.outcome.escaped:
            logger.warning(
                "measured_demos: %s left %d process(es) running outside its process group; they were "
                "killed: %s. Wait for the processes a demo starts before it ends",
                run.script,
                len(run.outcome.escaped),
                "; ".join(run.outcome.escaped),
            )


def _prune(runs: Iterable[DemoRun], cache: DemoCache) -> None:
    """Delete unused entries, only after a build that has an entry for every demo it shows."""
    runs = list(runs)
    failed = sorted(run.script for run in runs if run.failure and not _expected_to_fail(run))
    unwritten = sorted(run.script for run in runs if run.store_error)
    if failed or unwritten:
        # The last good entry of a demo that broke is needed again once it is fixed.
        why = f"{', '.join(failed)} failed" if failed else f"{', '.join(unwritten)} could not be cached"
        logger.info("measured_demos: cache not pruned: %s", why)
        return
    for folder in cache.prune({run.entry.folder for run in runs if run.entry}):
        logger.info("measured_demos: pruned unused cache entry %s", folder)


def _restore_vanished(runs: Iterable[DemoRun], cache: DemoCache) -> None:
    """Write back the entries a demo removed while the build ran, from the checked copies."""
    for run in runs:
        entry = run.entry
        if run.ran or entry is None or entry.copy is None or (entry.folder / "result.json").is_file():
            continue
        logger.warning(
            "measured_demos: the cache entry of %s vanished during the build (did a demo delete "
            "it?); writing it back from this build's checked copy",
            run.script,
        )
        try:
            cache.store(entry.record, list(entry.figures), entry.artifacts)
        except OSError as error:
            run.store_error = f"{type(error).__name__}: {error}"


def _expected_to_fail(run: DemoRun) -> bool:
    return all(request.allow_error for request in run.requests)


def _use_cache(run: DemoRun, cache: DemoCache, settings: DemoSettings) -> bool:
    first = run.requests[0]
    if settings.should_rerun(run.script):
        logger.info("measured_demos: running %s again (DEMOS_RERUN)", run.script)
        return False
    copy = Path(tempfile.mkdtemp(prefix="measured-demo-cached-"))
    try:
        entry = cache.load(run.script, run.key, copy_to=copy)
    except OSError as error:  # no room for the copy: run the demo instead
        logger.warning("measured_demos: could not copy the cache entry of %s: %s", run.script, error)
        shutil.rmtree(copy, ignore_errors=True)
        return False
    except CorruptEntryError as error:
        shutil.rmtree(copy, ignore_errors=True)
        logger.warning(
            "measured_demos: %s:%s: the cache entry of demo %s is corrupt and will not be used "
            "(%s); running the demo again",
            first.post,
            first.line,
            run.script,
            error,
        )
        cache.remove(cache.folder_for(run.script, run.key))
        return False
    if entry is None:
        shutil.rmtree(copy, ignore_errors=True)
        return False
    if over_budget(entry.figures, settings.figure_budget_kb, first.figure_format):
        logger.info("measured_demos: running %s again: a cached figure is over the budget", run.script)
        shutil.rmtree(copy, ignore_errors=True)
        return False
    changed = changed_packages(dict(entry.record.packages))
    if changed:
        logger.info("measured_demos: running %s again, packages changed: %s", run.script, "; ".join(changed))
        shutil.rmtree(copy, ignore_errors=True)
        return False
    run.work = copy
    run.entry = entry
    run.record = entry.record
    run.reuses = cache.count_reuse(entry)
    return True


def _execute(run: DemoRun, settings: DemoSettings, meter: EnergyMeter) -> None:
    from .demo_process import RunRequest, run_demo

    request = RunRequest(
        script=settings.root / run.script,
        cwd=settings.root,
        timeout=run.timeout or settings.timeout,
        memory_limit_mb=run.memory_mb or settings.memory_limit_mb,
        output_limit=settings.output_limit,
        seed=settings.seed,
        threads=settings.threads,
        figure_format=run.requests[0].figure_format,  # part of the key: the same for every request
    )
    work = run.work = Path(tempfile.mkdtemp(prefix="measured-demo-"))
    logger.info("measured_demos: running %s", run.script)
    token = meter.start()
    outcome = run_demo(request, work)
    if outcome.ok:  # a figure over budget fails the run: it is not cached, the build fails
        too_large = over_budget(outcome.figures, settings.figure_budget_kb, request.figure_format)
        outcome = replace(outcome, failure=too_large)
    run.reading = meter.reading(
        token,
        cpu_seconds=outcome.cpu_seconds,
        peak_rss_mb=outcome.peak_rss_mb,
        wall_seconds=outcome.wall_seconds,
        modules=outcome.imported_modules,
    )
    run.outcome = outcome
    run.ran = True
    run.interval = (outcome.started_at, outcome.started_at + outcome.wall_seconds)


def peers(run: DemoRun, others: list[DemoRun]) -> int:
    """How many other demos were running on the same machine during any part of this one."""
    start, end = run.interval
    return sum(
        1
        for other in others
        if other is not run
        and _host(other) == _host(run)
        and other.interval[0] < end
        and start < other.interval[1]
    )


def _host(run: DemoRun) -> str:
    return run.worker.host if run.worker else ""


def _store(pending: list[DemoRun], cache: DemoCache, settings: DemoSettings) -> None:
    """Cache each successful run; failures are never stored."""
    distributions = module_distributions()
    for run in pending:
        outcome, reading = run.outcome, run.reading
        assert outcome is not None and reading is not None
        run.record = DemoRecord(
            script=run.script,
            key=run.key,
            inputs=run.inputs,
            stdout=outcome.stdout,
            stderr=outcome.stderr,
            output_truncated=outcome.output_truncated,
            cpu_seconds=round(outcome.cpu_seconds, 4),
            wall_seconds=round(outcome.wall_seconds, 4),
            peak_rss_mb=round(outcome.peak_rss_mb, 1),
            energy=reading,
            measured_at=datetime.fromtimestamp(outcome.started_at, UTC).isoformat(timespec="seconds"),
            machine=reading.hardware,
            python=run.worker.python if run.worker else sys.version.split()[0],
            packages=run.packages
            if run.packages is not None
            else versions(outcome.imported_modules, distributions),
            demo_packages=tuple(sorted(versions(script_imports(settings.root / run.script), distributions))),
            parallel_peers=peers(run, pending),
            region=settings.region,
            worker=run.worker,
        )
        if not outcome.ok:
            continue
        try:
            run.entry = cache.store(run.record, list(outcome.figures), outcome.artifacts)
            run.record = run.entry.record
        except OSError as error:  # a full disk, a folder that cannot be written: the caller reports it
            run.store_error = f"{type(error).__name__}: {error}"


def cleanup(report: BatchReport) -> None:
    """Remove the temporary folders of this build's runs (after figures were copied)."""
    for run in report.runs.values():
        if run.work is not None:
            shutil.rmtree(run.work, ignore_errors=True)
            run.work = None


def result_of(
    run: DemoRun, request: DemoRequest, carbon: CarbonSettings, settings: DemoSettings | None = None
) -> DemoResult:
    """The result as a page shows it, with CO2e and the estimate's range for this build."""
    record = run.record
    assert record is not None, "result_of needs a run that has a record"
    allocated = (run.memory_mb or settings.memory_limit_mb) if settings else run.memory_mb
    energy_range = estimate_range(
        record.energy,
        cpu_seconds=record.cpu_seconds,
        wall_seconds=record.wall_seconds,
        peak_rss_mb=record.peak_rss_mb,
        allocated_mb=allocated,
        pue=carbon.pue,
        watts_per_gb=settings.meter.watts_per_gb if settings else DEFAULT_WATTS_PER_GB,
    )
    if record.worker is not None and record.worker.intensity is not None:
        carbon = CarbonSettings(record.worker.intensity, carbon.pue)  # the worker's region
    return DemoResult(
        script=run.script,
        caption=request.caption,
        key=run.key,
        stdout=record.stdout,
        stderr=record.stderr,
        output_truncated=record.output_truncated,
        figures=run.figures,
        artifacts=run.artifacts,
        energy=record.energy,
        co2e_grams=carbon.co2e_grams(record.energy.joules),
        intensity=carbon.intensity,
        pue=carbon.pue,
        measured_at=record.measured_at,
        machine=record.machine,
        cpu_seconds=record.cpu_seconds,
        wall_seconds=record.wall_seconds,
        peak_rss_mb=record.peak_rss_mb,
        packages=record.packages,
        python_version=record.python,
        parallel_peers=record.parallel_peers,
        from_cache=not run.ran,
        failure=run.failure,
        demo_packages=record.demo_packages,
        energy_range=energy_range,
        region=record.region,
        runs_reused=run.reuses,
        worker=record.worker,
    )
