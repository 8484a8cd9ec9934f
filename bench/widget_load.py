"""What a widget costs a reader, route by route and on each runtime: bytes after the click, time to result.

Each route is a build of the sample site; all are measured in the same run,
compressed as `make publish` does (brotli 11) and served the way the README
recommends (precompressed ``.br`` twins, ``immutable`` caching for the
versioned folders) by a host that counts the body bytes it
sends, and driven with headless Debian chromium:

- bytes after the click: what the server sent from the click to the result
  (compressed bodies, headers excluded), cold;
- cold, local: a fresh browser profile, click to result;
- cold, throttled: the same through one shared 20 Mbit/s link with 40 ms per
  request (shaped by the server, so the worker's requests are shaped too);
- warm: the same on-disk profile relaunched (second visit: HTTP cache and V8's
  wasm code cache), click to result;
- second run on the same page.

Routes: ``before`` is the code of ``--before`` (default: the commit this
branch started from) built from a ``git archive`` export; ``full-stdlib`` is
this code with ``PYODIDE_TRIM_STDLIB = False``; ``trimmed`` is this code as
shipped, on Pyodide (``#widget-digits-1``); ``micropython`` is this code
as shipped, the same model on MicroPython (``#widget-digits-2``). Medians over
``--runs`` (at least 5) with min-max, and ratios to ``before``.

    .venv/bin/python bench/widget_load.py [--runs 5] [--routes before,full-stdlib,trimmed,micropython]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
# The same browser, flags, MIME types and host as the browser tests.
from tests.helpers import CHROMIUM, CHROMIUM_ARGS, serve_precompressed  # noqa: E402

POST = "issues/small-models/"
WIDGETS = {"pyodide": "#widget-digits-1", "micropython": "#widget-digits-2"}
BEFORE = "89dba18"  # main when issue 12 started: wrapped fetch, full standard library
PUBLISHED = {"PYODIDE_BROTLI_QUALITY": 11}  # as publishconf.py; `make html` uses 9 to build faster
THROTTLE = (20e6 / 8, 0.040)  # 20 Mbit/s, 40 ms per request
RUN_PELICAN_WITHOUT = (  # python -c this FOLDER args...: pelican args, with FOLDER off sys.path
    "import runpy, sys; folder = sys.argv[1]; sys.path[:] = [p for p in sys.path if p != folder]; "
    "sys.argv = ['pelican', *sys.argv[2:]]; runpy.run_module('pelican', run_name='__main__')"
)

# Click the button and resolve with the milliseconds until the live result is in the page.
CLICK_TO_RESULT = """async (selector) => {
  const box = document.querySelector(`${selector} .pw-result, ${selector} .pw-output`);
  const before = box.dataset.pwRuns;
  const start = performance.now();
  document.querySelector(`${selector} .pw-run`).click();
  await new Promise((resolve, reject) => {
    const done = () => box.dataset.pwRuns && box.dataset.pwRuns !== before;
    const error = document.querySelector(`${selector} .pw-error`);
    const text = () => document.querySelector(selector).innerText;
    setTimeout(() => reject(new Error(`no result after 90 s: ${text()}`)), 90000);
    new MutationObserver(() => {
      if (error.textContent) reject(new Error(error.textContent));
      if (done()) resolve();
    }).observe(document.querySelector(selector), { attributes: true, childList: true, subtree: true });
  });
  return performance.now() - start;
}"""


def build(source: Path, output: Path, demo_cache: Path, settings: dict) -> None:
    if (PROJECT / "_demo_cache").is_dir() and not demo_cache.exists():
        shutil.copytree(PROJECT / "_demo_cache", demo_cache)
    # Compressed as `make publish` compresses what readers download (publishconf.py): brotli 11.
    overrides = [f"{key}={json.dumps(value)}" for key, value in {**PUBLISHED, **settings}.items()]
    overrides.append(f"DEMOS_CACHE_PATH={json.dumps(str(demo_cache))}")
    overrides.append("DEMOS_PRUNE=false")  # the routes share one demo cache
    overrides.append(f"PYODIDE_NPM_PACKAGE={json.dumps(str(PROJECT / 'node_modules' / 'pyodide'))}")
    overrides.append(f"PYODIDE_COMPRESS_CACHE={json.dumps(str(PROJECT / '.cache' / 'pyodide_widgets'))}")
    env = {**os.environ, "PYTHONPATH": str(source / "plugins")}  # the route's own plugins first
    arguments = ["content", "-o", str(output), "-s", "pelicanconf.py", "-q", "-e", *overrides]
    # Pelican imports every plugin it can find, so the editable install's plugins
    # (this checkout's, on sys.path through a .pth file) must not be findable by a
    # route built from other code: they would meet that code's plugin_core.
    if source.resolve() == PROJECT:
        command = [sys.executable, "-m", "pelican", *arguments]
    else:
        command = [sys.executable, "-c", RUN_PELICAN_WITHOUT, str(PROJECT / "plugins"), *arguments]
    subprocess.run(command, cwd=source, env=env, check=True)


def export(commit: str, target: Path) -> Path:
    archive = subprocess.run(["git", "archive", commit], cwd=PROJECT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target


def one_visit(context, url: str, sent: list, widget: str, second_run: bool = False) -> dict:
    page = context.new_page()
    page.goto(url + POST)
    page.wait_for_load_state("networkidle")
    before = len(sent)
    ms = page.evaluate(CLICK_TO_RESULT, widget)
    result = {"bytes": sum(size for _, size in sent[before:]), "ms": ms}
    if second_run:
        result["second_ms"] = page.evaluate(CLICK_TO_RESULT, widget)
    page.close()
    return result


def measure(
    playwright, output: Path, scratch: Path, runs: int, name: str, widget: str
) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {"cold": [], "throttled": [], "warm": []}
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    for throttle, kind in ((None, "cold"), (THROTTLE, "throttled")):
        with serve_precompressed(output, throttle) as (url, sent):
            for _ in range(runs):
                context = browser.new_context()
                rows[kind].append(one_visit(context, url, sent, widget, second_run=kind == "cold"))
                context.close()
                print(f"widget_load: {name} {kind} {rows[kind][-1]}", file=sys.stderr)
    browser.close()
    with serve_precompressed(output) as (url, sent):
        for index in range(runs):
            profile = scratch / f"profile-{name}-{index}"
            for _visit in ("prime", "measure"):
                context = playwright.chromium.launch_persistent_context(
                    profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
                )
                result = one_visit(context, url, sent, widget)
                context.close()
            rows["warm"].append(result)
            print(f"widget_load: {name} warm {result}", file=sys.stderr)
    return rows


def spread(values: list[float], unit: str, scale: float = 1.0, digits: int = 2) -> str:
    points = (min(values), statistics.median(values), max(values))
    low, mid, high = (f"{v / scale:.{digits}f}" for v in points)
    return f"{mid} {unit} ({low}-{high})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", default=BEFORE, help="commit of the 'before' route")
    parser.add_argument("--routes", default="before,full-stdlib,trimmed,micropython")
    args = parser.parse_args()
    runs = max(args.runs, 5)
    routes = {
        "before": (None, {}, WIDGETS["pyodide"]),
        "full-stdlib": (PROJECT, {"PYODIDE_TRIM_STDLIB": False}, WIDGETS["pyodide"]),
        "trimmed": (PROJECT, {}, WIDGETS["pyodide"]),
        "micropython": (PROJECT, {}, WIDGETS["micropython"]),
    }
    chosen = [name for name in args.routes.split(",") if name]
    results = {}
    with tempfile.TemporaryDirectory() as scratch_name, sync_playwright() as playwright:
        scratch = Path(scratch_name)
        for name in chosen:
            source, settings, widget = routes[name]
            if source is None:
                source = export(args.before, scratch / "before-source")
            print(f"widget_load: building route {name}", file=sys.stderr)
            output = scratch / f"output-{name}"
            build(source, output, scratch / "demo_cache", settings)
            results[name] = measure(playwright, output, scratch, runs, name, widget)

    print(
        f"widget_load: {POST} (Pyodide {WIDGETS['pyodide']}, MicroPython {WIDGETS['micropython']}), "
        f"headless {CHROMIUM}, medians of {runs} runs (min-max), .br served"
    )
    print("| route | bytes after the click | cold, local | cold, 20 Mbit/s 40 ms | warm | second run |")
    print("| --- | --- | --- | --- | --- | --- |")
    base = results.get("before")
    for name, rows in results.items():
        cold = [r["ms"] for r in rows["cold"]]
        ratio = ""
        if base and name != "before":
            before_ms = statistics.median(r["ms"] for r in base["cold"])
            ratio = f" [{statistics.median(cold) / before_ms:.2f}x before]"
        print(
            f"| {name} | {spread([r['bytes'] for r in rows['cold']], 'MB', 1e6)} "
            f"| {spread(cold, 's', 1e3)}{ratio} "
            f"| {spread([r['ms'] for r in rows['throttled']], 's', 1e3)} "
            f"| {spread([r['ms'] for r in rows['warm']], 's', 1e3)} "
            f"| {spread([r['second_ms'] for r in rows['cold']], 'ms', 1, 1)} |"
        )


if __name__ == "__main__":
    main()
