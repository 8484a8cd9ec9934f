"""Rebuild of the sample site with every demo cached, against the same content built
without the measured_demos plugin: median ratio (target at most 1.10).

    .venv/bin/python bench/build_cached.py [runs]

Both builds are fresh `pelican` processes, interleaved; the committed cache is
copied to a temporary folder first so the repository is never written.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _demo_bench import PROJECT, median

sys.path.insert(0, str(PROJECT))
import pelicanconf  # noqa: E402 - after the path is set

# pyodide_widgets needs the demos' results (it fails the build without them), so both
# variants leave it out: the difference is then measured_demos alone.
WITH = [name for name in pelicanconf.PLUGINS if name != "pyodide_widgets"]
WITHOUT = [name for name in WITH if name != "measured_demos"]


def build(output: Path, extra: dict) -> float:
    command = [sys.executable, "-m", "pelican", str(PROJECT / "content"), "-o", str(output)]
    command += ["-s", str(PROJECT / "pelicanconf.py")]
    if extra:  # one -e for all: pelican keeps only the last of several -e flags
        command += ["-e", *(f"{key}={json.dumps(value)}" for key, value in extra.items())]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=PROJECT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    log = result.stdout + result.stderr
    if "measured_demos" in extra.get("PLUGINS", pelicanconf.PLUGINS):
        match = re.search(r"ran (\d+) of (\d+) demos", log)
        if not match or match.group(1) != "0":
            sys.exit(f"expected a fully cached build, got:\n{log}")
    if result.returncode != 0:
        sys.exit(log)
    return elapsed


def main(runs: int = 5) -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-cached-"))
    shutil.copytree(PROJECT / "_demo_cache", work / "_demo_cache")
    cached = {"DEMOS_CACHE_PATH": str(work / "_demo_cache"), "DEMOS_PRUNE": False, "PLUGINS": WITH}
    # A rebuild: each variant writes over its own previous output, as `make html` does
    # (a fresh folder would also time copying the Pyodide runtime, which the widgets
    # plugin adds only when demo results exist).
    build(work / "with", cached)  # warm-up; also checks that every demo is cached
    build(work / "without", {"PLUGINS": WITHOUT})
    with_plugin, without_plugin = [], []
    for _ in range(runs):
        with_plugin.append(build(work / "with", cached))
        without_plugin.append(build(work / "without", {"PLUGINS": WITHOUT}))
    ratio = median(with_plugin) / median(without_plugin)
    print(f"sample site, {runs} interleaved rebuilds each (fresh pelican processes, wall time)")
    print(f"plugins with: {WITH}; without: {WITHOUT}")
    print(f"without measured_demos:       median {median(without_plugin):.3f} s")
    print(f"with measured_demos (cached): median {median(with_plugin):.3f} s")
    print(f"ratio: {ratio:.3f} (target <= 1.10)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
