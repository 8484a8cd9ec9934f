"""The same demo measured by this plugin and by CodeCarbon's OfflineEmissionsTracker.

    .venv/bin/pip install -r requirements-bench.txt   # CodeCarbon 3.3.2, optional
    .venv/bin/python bench/energy_crosscheck.py [demos/x.py] [runs]

CodeCarbon runs the demo inside its tracker in a fresh process (its start-up is
counted by itself, not by us). Prints both energies, their ratio and what each assumes.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path

from _demo_bench import PROJECT, median
from pelican.plugins.measured_demos.demo_process import RunRequest, run_demo
from pelican.plugins.measured_demos.meter import EnergyMeter

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


def ours(script: Path) -> tuple[float, str]:
    meter = EnergyMeter()
    token = meter.start()
    outcome = run_demo(RunRequest(script=script, cwd=PROJECT), Path(tempfile.mkdtemp()))
    reading = meter.reading(
        token,
        cpu_seconds=outcome.cpu_seconds,
        peak_rss_mb=outcome.peak_rss_mb,
        wall_seconds=outcome.wall_seconds,
    )
    return reading.joules, f"{reading.method}: {reading.formula}"


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
            "Install it with `.venv/bin/pip install -r requirements-bench.txt` (codecarbon==3.3.2)."
        )
        sys.exit(2)
    path = (PROJECT / script).resolve()
    our_joules, their_joules = [], []
    for _ in range(runs):
        joules, ours_how = ours(path)
        our_joules.append(joules)
        joules, theirs_how = codecarbon(path)
        their_joules.append(joules)
    print(f"demo: {script}, {runs} interleaved runs each")
    print(f"measured_demos: median {median(our_joules):.2f} J  ({ours_how})")
    print(f"CodeCarbon:     median {median(their_joules):.2f} J  ({theirs_how})")
    print(f"ratio CodeCarbon / measured_demos: {median(their_joules) / median(our_joules):.2f}")
    print(
        "assumptions: measured_demos = the demo process's CPU time x W per core (12 W for an unknown CPU)"
        " + peak RSS x 0.3725 W/GB x wall time; CodeCarbon cpu_load mode = TDP (or 4 W per thread when"
        " unknown) x the process's CPU share over wall time, plus a RAM power with a 10 W floor, for the"
        " whole tracked interval including its own start-up inside the tracked window."
    )


if __name__ == "__main__":
    main(*(sys.argv[1:2] or ["demos/tiny_models.py"]), *(int(a) for a in sys.argv[2:3]))
