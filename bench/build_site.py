"""Build time of the sample site: this project's full build against plain Pelican.

Prints the median wall and CPU time over several builds of the sample content with
the project's settings (theme and plugins, demos cached), and the same content built
by plain Pelican (default theme, no plugins) in the same run, and their ratio.

    .venv/bin/python bench/build_site.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def timed_build(output: Path, extra: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system of the child) of one `pelican` build."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pelican", "content", "-o", str(output), "-s", "pelicanconf.py", "-q", *extra],
        cwd=PROJECT,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        scratch_path = Path(scratch)
        cache = scratch_path / "_demo_cache"
        if (PROJECT / "_demo_cache").exists():
            shutil.copytree(PROJECT / "_demo_cache", cache)
        project = ["-e", f'DEMOS_CACHE_PATH="{cache}"']
        # Plain Pelican: the same content and theme with no plugins (blocks stay as text).
        plain = ["-e", "PLUGINS=[]"]
        # One warm-up build of each, so caches (and the demo cache) are filled.
        timed_build(scratch_path / "project", project)
        timed_build(scratch_path / "plain", plain)
        results: dict[str, list[tuple[float, float]]] = {"project": [], "plain": []}
        for _ in range(args.runs):  # interleaved so drift hits both alike
            results["project"].append(timed_build(scratch_path / "project", project))
            results["plain"].append(timed_build(scratch_path / "plain", plain))

    medians = {
        name: (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))
        for name, runs in results.items()
    }
    print(f"sample site, {args.runs} builds each, medians:")
    for name, (wall, cpu) in medians.items():
        print(f"  {name:8s} wall {wall:6.2f} s   cpu {cpu:6.2f} s")
    print(
        f"  ratio project / plain Pelican: wall {medians['project'][0] / medians['plain'][0]:.2f}x, "
        f"cpu {medians['project'][1] / medians['plain'][1]:.2f}x"
    )


if __name__ == "__main__":
    main()
