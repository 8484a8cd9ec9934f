"""Sixteen small demos on two local Dask workers against the local pool with two workers.

    .venv/bin/python bench/cluster.py [repeats]

Starts a real `dask scheduler` and two `dask worker --nthreads 1` on 127.0.0.1,
then runs the same 16 uncached demos (each prints a number and draws a small
matplotlib figure) through `run_batch` with DEMOS_EXECUTOR=local (DEMOS_WORKERS=2)
and with DEMOS_EXECUTOR=<scheduler>, alternating, after one warm-up of each.
Prints the median batch time of each and the overhead per demo: the time a
demo's lane spends outside the demo's own process, (batch time x 2 lanes - sum
of the demos' wall times) / 16, for each executor, and Dask's extra over the
local pool (connection, transfers, worker side included). Subtracting the
demos' own wall times keeps a busy shared machine's noise out of the figure.
Target: Dask's extra at most 50 ms per demo.
Also checks that both give the same output and byte-identical figures.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from _demo_bench import median
from pelican.plugins.measured_demos.batch import cleanup, run_batch
from pelican.plugins.measured_demos.meter import EnergyMeter
from pelican.plugins.measured_demos.results import DemoRequest
from pelican.plugins.measured_demos.settings import DemoSettings

from tests.demos.dask_cluster import dask_cluster

DEMOS = 16
WORKERS = 2
TARGET_MS = 50
DEMO = """\
import matplotlib.pyplot as plt
values = [(i * {n}) % 7 for i in range(20)]
print("demo {n}:", sum(values))
plt.figure(figsize=(2, 1.5))
plt.plot(values)
"""


def batch(root: Path, executor: str, label: str) -> tuple[float, float, dict[str, tuple[str, list[bytes]]]]:
    """Batch wall time, overhead per demo (s), and each demo's output and figure bytes."""
    settings = DemoSettings.from_settings(
        {
            "DEMOS_ROOT": str(root),
            "DEMOS_CACHE_PATH": f"cache-{label}",  # fresh: nothing cached
            "DEMOS_WORKERS": WORKERS,
            "DEMOS_EXECUTOR": executor,
            "PATH": str(root / "content"),
        },
        environ={},
    )
    requests = [DemoRequest(script=f"demos/d{n}.py", post="bench.md", line=n) for n in range(DEMOS)]
    start = time.perf_counter()
    report = run_batch(requests, settings, EnergyMeter)
    elapsed = time.perf_counter() - start
    failed = [run.failure for run in report.runs.values() if run.failure]
    assert report.ran == DEMOS and not failed, failed
    results = {}
    for run in report.runs.values():
        results[run.script] = (run.record.stdout, [path.read_bytes() for path in run.figures])
    demo_seconds = sum(run.outcome.wall_seconds for run in report.runs.values())
    cleanup(report)
    return elapsed, (elapsed * WORKERS - demo_seconds) / DEMOS, results


def main(repeats: int = 5) -> None:
    root = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    for n in range(DEMOS):
        path = root / "demos" / f"d{n}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(DEMO.format(n=n))
    with dask_cluster(root / "dask", {f"w{i + 1}": {} for i in range(WORKERS)}) as cluster:
        print(f"{DEMOS} demos, {WORKERS} workers each way; Dask scheduler at {cluster.address}")
        _, _, local_results = batch(root, "local", "warm-local")
        _, _, dask_results = batch(root, cluster.address, "warm-dask")  # workers import the plugin once
        local, remote, local_overhead, dask_overhead = [], [], [], []
        for attempt in range(repeats):
            elapsed, overhead, results = batch(root, "local", f"local-{attempt}")
            local.append(elapsed)
            local_overhead.append(overhead)
            assert results == local_results, "the local pool gave different results from one run to the next"
            elapsed, overhead, results = batch(root, cluster.address, f"dask-{attempt}")
            remote.append(elapsed)
            dask_overhead.append(overhead)
            assert results == dask_results
    same = local_results == dask_results
    extra_ms = (median(dask_overhead) - median(local_overhead)) * 1000
    print(f"local pool, {WORKERS} workers: median {median(local):.2f} s per batch  ({_runs(local)})")
    print(f"Dask, {WORKERS} workers:       median {median(remote):.2f} s per batch  ({_runs(remote)})")
    print(f"ratio Dask / local (batch time): {median(remote) / median(local):.2f}")
    print(
        f"overhead per demo, outside the demo's process: local {median(local_overhead) * 1000:.0f} ms, "
        f"Dask {median(dask_overhead) * 1000:.0f} ms"
    )
    print(f"Dask's extra overhead per demo: {extra_ms:.0f} ms (target: at most {TARGET_MS} ms)")
    print(f"same output and byte-identical figures on both: {'yes' if same else 'NO'}")
    if not same:
        sys.exit(1)


def _runs(values: list[float]) -> str:
    return ", ".join(f"{value:.2f}" for value in values)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
