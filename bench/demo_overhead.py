"""Overhead of the runner and meter on a 0.5 s demo, against `python demo.py` bare.

    .venv/bin/python bench/demo_overhead.py [runs]

Interleaved runs; medians of wall time and CPU time (os.wait4 of the child in both
cases). Target: at most 20 ms and 2 % of the demo's CPU time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _demo_bench import median, write_busy_demo
from pelican.plugins.measured_demos.demo_process import RunRequest, run_demo
from pelican.plugins.measured_demos.meter import EnergyMeter


def bare(script: Path) -> tuple[float, float]:
    """`python demo.py` with its output piped, as a user would time it: (wall, CPU) seconds."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(script)],
        cwd=script.parent.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.read()
    process.stderr.read()
    _, _, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def main(runs: int = 7) -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-overhead-"))
    script = write_busy_demo(work / "demos" / "busy.py", 0.5)
    meter = EnergyMeter()
    bare_wall, bare_cpu, runner_wall, runner_cpu = [], [], [], []
    for index in range(runs + 1):
        wall, cpu = bare(script)
        start = time.perf_counter()
        token = meter.start()
        outcome = run_demo(RunRequest(script=script, cwd=work), work / f"run-{index}")
        meter.reading(token, cpu_seconds=outcome.cpu_seconds, peak_rss_mb=outcome.peak_rss_mb)
        through_runner = time.perf_counter() - start
        assert outcome.ok, outcome.failure
        if index == 0:
            continue  # warm-up: file system caches
        bare_wall.append(wall)
        bare_cpu.append(cpu)
        runner_wall.append(through_runner)
        runner_cpu.append(outcome.cpu_seconds)
    wall_ms = (median(runner_wall) - median(bare_wall)) * 1000
    cpu_ms = (median(runner_cpu) - median(bare_cpu)) * 1000
    print(f"runs: {runs} interleaved, demo: {median(bare_cpu):.3f} CPU-s bare")
    print(
        f"bare python demo.py   wall {median(bare_wall) * 1000:8.1f} ms   "
        f"CPU {median(bare_cpu) * 1000:8.1f} ms"
    )
    print(
        f"runner + meter        wall {median(runner_wall) * 1000:8.1f} ms   "
        f"CPU {median(runner_cpu) * 1000:8.1f} ms"
    )
    print(f"overhead              wall {wall_ms:+8.1f} ms   CPU {cpu_ms:+8.1f} ms")
    print(
        f"ratio runner/bare     wall {median(runner_wall) / median(bare_wall):.3f}   "
        f"CPU {median(runner_cpu) / median(bare_cpu):.3f}   "
        f"(overhead = {cpu_ms / (median(bare_cpu) * 1000) * 100:.1f} % of the demo's CPU time)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
