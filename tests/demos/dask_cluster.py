"""A real Dask cluster on loopback for the tests: `dask scheduler` and `dask worker` processes.

Started on free ports of 127.0.0.1, each in its own session, and stopped by PID
(with whatever they started, such as a demo process of a worker that was killed).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil

DASK = str(Path(sys.executable).with_name("dask"))
START_SECONDS = 60.0
STOP_SECONDS = 2.0  # a worker busy with a demo waits for it on SIGTERM: then SIGKILL


@dataclass
class Cluster:
    address: str
    scheduler: subprocess.Popen
    workers: dict[str, subprocess.Popen] = field(default_factory=dict)
    logs: Path | None = None

    def log(self) -> str:
        if self.logs is None:
            return ""
        return "\n".join(
            f"== {path.name}\n{path.read_text(errors='replace')}" for path in self.logs.glob("*.log")
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def dask_cluster(
    folder: Path,
    workers: dict[str, dict[str, str]],
    *,
    protocol: str = "tcp",
    tls: list[str] | None = None,
) -> Iterator[Cluster]:
    """Start a scheduler and one worker per name (with extra environment variables each)."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    address = f"{protocol}://127.0.0.1:{port}"
    options = ["--no-dashboard", *(tls or [])]
    scheduler = _start(
        [DASK, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--protocol", protocol]
        + ["--dashboard-address", "127.0.0.1:0", *options],
        folder / "scheduler.log",
        {},
    )
    cluster = Cluster(address, scheduler, logs=folder)
    try:
        for name, env in workers.items():
            command = [DASK, "worker", address, "--name", name, "--nthreads", "1", "--no-nanny"]
            command += ["--host", "127.0.0.1", "--local-directory", str(folder / name), *options]
            cluster.workers[name] = _start(command, folder / f"{name}.log", env)
        _wait_for_workers(cluster, len(workers))
        yield cluster
    finally:
        for process in [*cluster.workers.values(), scheduler]:
            stop(process)


def _start(command: list[str], log: Path, env: dict[str, str]) -> subprocess.Popen:
    with open(log, "wb") as output:
        return subprocess.Popen(
            command,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **env},
            start_new_session=True,
        )


def _wait_for_workers(cluster: Cluster, count: int) -> None:
    """Until the scheduler's log has seen `count` workers register (no client needed)."""
    deadline = time.monotonic() + START_SECONDS
    log = cluster.logs / "scheduler.log"
    while time.monotonic() < deadline:
        if log.read_text(errors="replace").count("Register worker") >= count:
            return
        if cluster.scheduler.poll() is not None:
            break
        time.sleep(0.2)
    raise RuntimeError(f"the Dask cluster did not start:\n{cluster.log()}")


def stop(process: subprocess.Popen) -> None:
    """Stop one process by PID, and what it started (a demo runs in a session of its own)."""
    try:
        children = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    for child in children:
        with contextlib.suppress(psutil.NoSuchProcess):
            child.kill()


def kill(process: subprocess.Popen) -> None:
    """SIGKILL: the worker dies at once, as a machine that crashes or is reclaimed would."""
    try:
        children = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    with contextlib.suppress(ProcessLookupError):
        os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    for child in children:
        with contextlib.suppress(psutil.NoSuchProcess):
            child.kill()


def running_demo(cluster: Cluster, script: str) -> str | None:
    """Name of the worker whose demo process is running `script` now, if any."""
    for name, process in cluster.workers.items():
        with contextlib.suppress(psutil.NoSuchProcess):
            for child in psutil.Process(process.pid).children(recursive=True):
                with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                    if any(part.endswith(script) for part in child.cmdline()):
                        return name
    return None
