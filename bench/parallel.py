"""Eight uncached demos run one at a time against two workers: median speed-up.

    .venv/bin/python bench/parallel.py [repeats]

Each demo burns 0.5 s of CPU on one thread (BLAS/OpenMP threads are set to 1 per
demo, so two workers do not oversubscribe two cores). Target: >= 1.7x on two cores.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from _demo_bench import median, write_busy_demo
from pelican.plugins.measured_demos.batch import cleanup, run_batch
from pelican.plugins.measured_demos.meter import EnergyMeter
from pelican.plugins.measured_demos.results import DemoRequest
from pelican.plugins.measured_demos.settings import DemoSettings

DEMOS = 8


def timed_batch(root: Path, workers: int, attempt: int) -> float:
    settings = DemoSettings.from_settings(
        {
            "DEMOS_ROOT": str(root),
            "DEMOS_CACHE_PATH": f"cache-{workers}-{attempt}",  # fresh: nothing cached
            "DEMOS_WORKERS": workers,
            "PATH": str(root / "content"),
        },
        environ={},
    )
    requests = [DemoRequest(script=f"demos/busy{i}.py", post="bench.md", line=i) for i in range(DEMOS)]
    start = time.perf_counter()
    report = run_batch(requests, settings, EnergyMeter())
    elapsed = time.perf_counter() - start
    assert report.ran == DEMOS and all(run.failure is None for run in report.runs.values())
    cleanup(report)
    return elapsed


def main(repeats: int = 3) -> None:
    root = Path(tempfile.mkdtemp(prefix="bench-parallel-"))
    for index in range(DEMOS):
        write_busy_demo(root / "demos" / f"busy{index}.py", 0.5).write_text(
            (root / "demos" / f"busy{index}.py").read_text() + f"# demo {index}\n"
        )
    serial, parallel = [], []
    for attempt in range(repeats):
        serial.append(timed_batch(root, 1, attempt))
        parallel.append(timed_batch(root, 2, attempt))
    print(f"{DEMOS} demos of 0.5 CPU-s, {repeats} interleaved repeats, {os.cpu_count()} CPUs")
    print(f"one at a time (DEMOS_WORKERS=1): median {median(serial):.2f} s  {[round(s, 2) for s in serial]}")
    print(
        f"two workers   (DEMOS_WORKERS=2): median {median(parallel):.2f} s  {[round(p, 2) for p in parallel]}"
    )
    print(f"speed-up: {median(serial) / median(parallel):.2f}x (target >= 1.7x)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
