"""Where the uncached demos of a build run: here, or on a Dask cluster.

DEMOS_EXECUTOR is "local" (a pool of DEMOS_WORKERS demo processes on this
machine, the default) or the address of a Dask scheduler (tcp://host:port or
tls://host:port). Dask is an optional dependency: only a scheduler address
imports it (through `cluster`), so a local build never pays for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .meter import EnergyMeter

if TYPE_CHECKING:
    from .batch import DemoRun
    from .settings import DemoSettings

LOCAL = "local"
SCHEMES = ("tcp", "tls")
# Added to the demos' own timeouts for the whole batch's deadline: start-up, transfers.
BATCH_GRACE_SECONDS = 60.0


def executor_address(value: Any) -> str:
    """The DEMOS_EXECUTOR check: "local" or scheme://host:port (ValueError: expected form)."""
    expected = "'local' or a Dask scheduler address such as 'tcp://10.0.0.5:8786' or 'tls://host:8786'"
    if not isinstance(value, str):
        raise ValueError(expected)
    text = value.strip()
    if text == LOCAL:
        return LOCAL
    scheme, separator, rest = text.partition("://")
    host, colon, port = rest.rpartition(":")
    if scheme not in SCHEMES or not separator or not host or not colon or not port.isdigit():
        raise ValueError(expected)
    if not 0 < int(port) < 65536:
        raise ValueError(expected)
    return text


def batch_deadline(pending: list[DemoRun], settings: DemoSettings) -> float:
    """Seconds all pending demos may take together: DEMOS_BATCH_TIMEOUT, or their timeouts summed."""
    if settings.batch_timeout:
        return settings.batch_timeout
    return sum(run.timeout or settings.timeout for run in pending) + BATCH_GRACE_SECONDS


def run_pending(
    pending: list[DemoRun],
    settings: DemoSettings,
    meter: EnergyMeter | Callable[[], EnergyMeter],
    run_here: Callable[[DemoRun, DemoSettings, EnergyMeter], None],
) -> None:
    """Run every pending demo, setting its outcome; a cluster measures on its own machines."""
    if settings.executor == LOCAL:
        from concurrent.futures import ThreadPoolExecutor  # settings import this module: keep it light

        from .demo_process import stop_all

        if not isinstance(meter, EnergyMeter):
            meter = meter()
        with ThreadPoolExecutor(max_workers=min(settings.workers, len(pending))) as pool:
            try:
                list(pool.map(lambda run: run_here(run, settings, meter), pending))
            except KeyboardInterrupt as interrupt:
                # Ctrl-C: end every running demo now, not at its timeout, before the
                # pool waits for its threads.
                interrupt.stopped = stop_all()
                pool.shutdown(wait=True, cancel_futures=True)
                raise
        return
    # Imported here on purpose: Dask is optional and heavy, and a local build never needs it.
    from .cluster import run_on_cluster

    run_on_cluster(pending, settings, batch_deadline(pending, settings))
