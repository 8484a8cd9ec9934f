"""The build's side of a Dask cluster: send each uncached demo, take back its result.

Imported only when DEMOS_EXECUTOR is a scheduler address (executors.py). Each
pending demo becomes one task running `remote.run_remote` on some worker; the
result comes back as a `RunOutcome` with its files written into a local
temporary folder, so the batch caches and renders it exactly like a local run.

Faults end as a `DemoFailure` on the demo, never as a hang or a traceback:
an unreachable scheduler (within CONNECT_SECONDS), a scheduler without workers,
a worker that died more often than the scheduler allows (Dask itself retries a
task whose worker died on another worker), and the batch's one deadline.
"""

from __future__ import annotations

import logging
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import dask
from distributed import Client, wait
from distributed.client import FutureCancelledError
from distributed.security import Security
from plugin_core import problems
from plugin_core.demo_link import DemoFailure, EnergyReading, WorkerInfo

from .cache import installed_version
from .remote import RemoteJob, RemoteResult, run_remote
from .results import RunOutcome

if TYPE_CHECKING:
    from .batch import DemoRun
    from .settings import DemoSettings

logger = logging.getLogger(__name__)

CONNECT_SECONDS = 5.0  # the build must say "unreachable" within 10 s
WORKER_WAIT_SECONDS = 5.0  # a scheduler that has just started may not have its workers yet
FIGURE_FORMAT = "svg"
# A demo that never ran used no energy we could read; it is never cached or shown as a result.
NOT_RUN = EnergyReading(0.0, "not run", "the demo did not run", "none")


def run_on_cluster(pending: list[DemoRun], settings: DemoSettings, deadline_seconds: float) -> None:
    """Run `pending` on the scheduler at settings.executor; every run ends with an outcome."""
    address = settings.executor
    deadline = time.monotonic() + deadline_seconds
    security = Security()  # Dask's own configuration: DASK_DISTRIBUTED__COMM__TLS__... or YAML
    if address.startswith("tls://") and not (security.tls_ca_file and security.tls_client_cert):
        _fail_all(pending, no_certificates(address))
        return
    try:
        client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False, security=security)
    except (OSError, TimeoutError, TypeError, ValueError) as error:  # TypeError: a bad TLS set-up
        _fail_all(pending, unreachable(address, error))
        return
    with client:
        try:
            client.wait_for_workers(1, timeout=WORKER_WAIT_SECONDS)
        except (OSError, TimeoutError):
            _fail_all(
                pending,
                f"the Dask scheduler at {address} has no workers; start some with "
                f"`dask worker {address} --nthreads 1` (one demo at a time per worker)",
            )
            return
        futures = {}
        for run in pending:
            logger.info("measured_demos: sending %s to the Dask scheduler at %s", run.script, address)
            future = client.submit(run_remote, job_for(run, settings), key=_task_key(run), pure=False)
            futures[future] = run
        try:
            with client.as_current():  # distributed.wait asks for the current client
                wait(list(futures), timeout=max(0.0, deadline - time.monotonic()))
        except TimeoutError:
            pass  # the demos not back by the deadline fail below
        done = {future for future in futures if future.done()}
        for future, run in futures.items():
            if future not in done:
                future.cancel()
                _fail(run, DemoFailure("TimeoutError", late(address, deadline_seconds)))
                continue
            try:
                result = future.result()
            except FutureCancelledError:
                _fail(
                    run, DemoFailure("ClusterError", f"the Dask scheduler at {address} cancelled this demo")
                )
            except Exception as error:  # noqa: BLE001 - KilledWorker, or an error on the worker
                _fail(run, DemoFailure("ClusterError", task_error(address, error)))
            else:
                receive(run, result, settings)


def job_for(run: DemoRun, settings: DemoSettings) -> RemoteJob:
    """What a worker needs: the script, its declared data, and the settings that shape the run."""
    paths = [run.script, *sorted({path for request in run.requests for path in request.data})]
    return RemoteJob(
        script=run.script,
        files={path: (settings.root / path).read_bytes() for path in paths},
        timeout=run.timeout or settings.timeout,
        memory_limit_mb=run.memory_mb or settings.memory_limit_mb,
        output_limit=settings.output_limit,
        seed=settings.seed,
        threads=settings.threads,
        figure_format=FIGURE_FORMAT,
        watts_per_gb=settings.meter.watts_per_gb,
    )


def receive(run: DemoRun, result: RemoteResult, settings: DemoSettings) -> None:
    """Write the worker's files here and set the run as a local run would be set."""
    work = run.work = Path(tempfile.mkdtemp(prefix="measured-demo-"))
    (work / "figures").mkdir()
    (work / "artifacts").mkdir()
    for name, data in result.figures:
        (work / "figures" / name).write_bytes(data)
    for name, data in result.artifacts:
        (work / "artifacts" / name).write_bytes(data)

    def here(text: str) -> str:  # the worker's folder in tracebacks becomes the project's
        return text.replace(result.root + "/", str(settings.root) + "/")

    outcome = result.outcome
    failure = outcome.failure
    if failure is not None:
        failure = failure._replace(message=here(failure.message), traceback=here(failure.traceback))
    run.outcome = replace(
        outcome,
        stdout=here(outcome.stdout),
        stderr=here(outcome.stderr),
        figures=tuple(work / "figures" / name for name, _ in result.figures),
        artifacts={name: work / "artifacts" / name for name, _ in result.artifacts},
        failure=failure,
    )
    run.reading = result.reading
    run.ran = True
    run.interval = (outcome.started_at, outcome.started_at + outcome.wall_seconds)
    run.packages = result.packages
    run.worker = result.worker._replace(differences=differences(result.worker, result.packages))
    for problem in result.problems:
        problems.report("settings", None, f"Dask worker {result.worker.name}: {problem}")
    if run.worker.differences:
        logger.warning(
            "measured_demos: %s ran on Dask worker %s (host %s), whose versions differ from this "
            "build's: %s. Install the same versions there (pip install -r requirements.txt); "
            "until then its cache entry is run again by every build",
            run.script,
            run.worker.name,
            run.worker.host,
            "; ".join(run.worker.differences),
        )


def differences(worker: WorkerInfo, packages: dict[str, str]) -> tuple[str, ...]:
    """Python and package versions on the worker that differ from this machine's."""
    found = []
    here = sys.version.split()[0]
    if worker.python != here:
        found.append(f"Python {worker.python} on the worker, {here} here")
    for name, version in sorted(packages.items()):
        local = installed_version(name)
        if local != version:
            found.append(f"{name} {version} on the worker, {local or 'not installed'} here")
    return tuple(found)


def unreachable(address: str, error: BaseException) -> str:
    host, _, port = address.partition("://")[2].rpartition(":")
    return (
        f"could not reach the Dask scheduler at {address} within {CONNECT_SECONDS:g} s ({error}). "
        f"Start one on {host} with `dask scheduler --host {host} --port {port}` and workers with "
        f"`dask worker {address} --nthreads 1`, or set DEMOS_EXECUTOR=local to run the demos here"
    )


def no_certificates(address: str) -> str:
    return (
        f"DEMOS_EXECUTOR is {address}, a TLS address, but Dask has no client certificate: set "
        "DASK_DISTRIBUTED__COMM__TLS__CA_FILE, DASK_DISTRIBUTED__COMM__TLS__CLIENT__CERT and "
        "DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY (or distributed.comm.tls in Dask's YAML configuration); "
        "see 'Demos on a cluster' in README.md"
    )


def late(address: str, seconds: float) -> str:
    return (
        f"the Dask cluster at {address} did not return this demo within the batch deadline of "
        f"{seconds:g} s; add workers, or raise DEMOS_BATCH_TIMEOUT"
    )


def task_error(address: str, error: BaseException) -> str:
    if type(error).__name__ == "KilledWorker":
        allowed = dask.config.get("distributed.scheduler.allowed-failures")
        return (
            f"the Dask workers running this demo died {allowed + 1} times (last: {error}); "
            "a worker that runs out of memory dies: check the workers' logs and memory limits"
        )
    kind = type(error).__name__
    return f"the Dask worker failed before the demo could run: {kind}: {error} (scheduler {address})"


def _fail(run: DemoRun, failure: DemoFailure) -> None:
    run.outcome = RunOutcome(1, "", "", False, 0.0, 0.0, 0.0, time.time(), failure=failure)
    run.reading = NOT_RUN
    run.ran = True


def _fail_all(pending: list[DemoRun], message: str) -> None:
    logger.error("measured_demos: %s", message)
    for run in pending:
        _fail(run, DemoFailure("ClusterError", message))


def _task_key(run: DemoRun) -> str:
    return f"measured-demo-{Path(run.script).stem}-{run.key[:16]}-{time.time_ns()}"
