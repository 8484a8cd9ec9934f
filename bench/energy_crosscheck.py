"""Where this plugin's estimate and its range sit against CodeCarbon's figure for the same demo.

CodeCarbon 3.3.2 brings pandas and ~187 MiB of dependencies, so it lives in its own venv:

    python3 -m venv .venv-bench
    .venv-bench/bin/pip install -r requirements.txt -r requirements-bench.txt
    .venv-bench/bin/pip install --no-deps -e .
    .venv-bench/bin/python bench/energy_crosscheck.py [demos/x.py] [runs]

CodeCarbon runs the demo inside its tracker in a fresh process (its start-up is
counted by itself, not by us). Prints both energies, their ratio, our range
(the same one a page shows) and where CodeCarbon's figure falls in it.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path

from _demo_bench import PROJECT, median
from pelican.plugins.measured_demos.demo_process import RunRequest, run_demo
from pelican.plugins.measured_demos.estimate_range import estimate_range
from pelican.plugins.measured_demos.meter import EnergyMeter

MEMORY_CAP_MB = 2048  # DEMOS_MEMORY_LIMIT_MB's default: the memory "allocated" to a demo

CODECARBON = """
import runpy, sys
from codecarbon import OfflineEmissionsTracker
tracker = OfflineEmissionsTracker(country_iso_code="USA", save_to_file=False, log_level="error")
tracker.start()
runpy.run_path(sys.argv[1], run_name="__main__")
tracker.stop()
data = tracker.final_emissions_data
print("RESULT", data.energy_consumed * 3.6e6, data.cpu_energy * 3.6e6, data.ram_energy * 3.6e6,
      data.cpu_power, data.ram_power, data.cpu_model, data.tracking_mode, sep="|")
"""


def ours(script: Path) -> tuple[float, float, float, str]:
    """(low, central, high) joules and the arithmetic, as the demo's label would show them."""
    meter = EnergyMeter()
    token = meter.start()
    request = RunRequest(script=script, cwd=PROJECT, memory_limit_mb=MEMORY_CAP_MB)
    outcome = run_demo(request, Path(tempfile.mkdtemp()))
    reading = meter.reading(
        token,
        cpu_seconds=outcome.cpu_seconds,
        peak_rss_mb=outcome.peak_rss_mb,
        wall_seconds=outcome.wall_seconds,
    )
    span = estimate_range(
        reading,
        cpu_seconds=outcome.cpu_seconds,
        wall_seconds=outcome.wall_seconds,
        peak_rss_mb=outcome.peak_rss_mb,
        allocated_mb=MEMORY_CAP_MB,
        pue=None,
    )
    if span is None:  # a counter reading: no range
        return reading.joules, reading.joules, reading.joules, f"{reading.method}: {reading.formula}"
    return span.low_joules, span.central_joules, span.high_joules, f"{reading.method}: {reading.formula}"


def codecarbon(script: Path) -> tuple[float, str]:
    env_threads = {
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "MPLBACKEND": "Agg",
    }
    import os

    result = subprocess.run(
        [sys.executable, "-c", CODECARBON, str(script)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        env={**os.environ, **env_threads},
    )
    line = next((x for x in result.stdout.splitlines() if x.startswith("RESULT|")), None)
    if line is None:
        sys.exit(f"CodeCarbon run failed:\n{result.stdout}\n{result.stderr}")
    _, total, cpu, ram, cpu_w, ram_w, model, mode = line.split("|")
    return (
        float(total),
        f"CPU {float(cpu):.2f} J at {float(cpu_w):.1f} W, RAM {float(ram):.2f} J at {float(ram_w):.1f} W; "
        f"{model}; mode {mode}",
    )


def main(script: str = "demos/tiny_models.py", runs: int = 3) -> None:
    if importlib.util.find_spec("codecarbon") is None:
        print(
            "CodeCarbon is not installed: this cross-check needs it as an optional extra.\n"
            "Install it in its own venv, as this script's docstring and the README say:\n"
            "  python3 -m venv .venv-bench && .venv-bench/bin/pip install -r requirements.txt "
            "-r requirements-bench.txt && .venv-bench/bin/pip install --no-deps -e ."
        )
        sys.exit(2)
    path = (PROJECT / script).resolve()
    lows, centrals, highs, theirs = [], [], [], []
    for _ in range(runs):
        low, central, high, ours_how = ours(path)
        lows.append(low)
        centrals.append(central)
        highs.append(high)
        joules, theirs_how = codecarbon(path)
        theirs.append(joules)
    low, central, high, cc = median(lows), median(centrals), median(highs), median(theirs)
    print(f"demo: {script}, {runs} interleaved runs each (medians)")
    print(f"measured_demos: {central:.2f} J, range {low:.2f} to {high:.2f} J  ({ours_how})")
    print(f"CodeCarbon:     {cc:.2f} J  ({theirs_how})")
    print(f"ratio CodeCarbon / our central value: {cc / central:.2f}")
    if cc < low:
        where = f"below our range, {low / cc:.2f}x under its low end"
    elif cc > high:
        where = f"above our range, {cc / high:.2f}x over its high end"
    else:
        where = f"inside our range, at {(cc - low) / (high - low):.0%} of the way from low to high"
    print(f"CodeCarbon's figure is {where}")
    print(
        "assumptions: ours = the demo process's CPU time x W per core (12 W for an unknown CPU)"
        " + peak RSS x 0.3725 W/GB x wall time, no PUE; low end = 4 W per thread (CodeCarbon's"
        " unknown-CPU figure) for the same CPU time; high end = Green Algorithms in full (the"
        f" {MEMORY_CAP_MB} MB memory cap as memory allocated, PUE 1.56). CodeCarbon (its tracking mode"
        " is printed above) = TDP (or 4 W per thread when unknown) x the CPU load over wall time, plus"
        " a RAM power with a 10 W floor (machine mode: the whole machine's RAM), for the whole tracked"
        " interval including its own start-up; its RAM term dominates for a short, small demo."
    )


if __name__ == "__main__":
    main(*(sys.argv[1:2] or ["demos/tiny_models.py"]), *(int(a) for a in sys.argv[2:3]))
