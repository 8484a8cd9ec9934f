"""What a widget costs a reader on each runtime: bytes before and after the click, time to result.

Builds the sample site, serves it the way the README recommends (precompressed
``.br`` twins, ``immutable`` caching for the versioned runtime folders) and drives
headless Debian chromium on the same model, the digits reader, on both runtimes
of the sample issue (Pyodide: ``#widget-digits-1``, MicroPython: ``#widget-digits-2``):

- bytes before the click (page, CSS, loader) and after it (runtime, worker, widget code);
- click-to-result, cold (fresh browser profile), on localhost and throttled with
  Chromium's network emulation (20 Mbit/s each way, 40 ms round trip);
- click-to-result warm (the same on-disk profile, relaunched, so the runtime comes
  from the HTTP cache; no request interception, which would disable that cache);
- second run on the same page (the worker and interpreter are reused).

Runs alternate between the runtimes. Medians over ``--runs`` (at least 5) with
their spread (min-max), the MicroPython/Pyodide ratio from the same run, and the
issue's targets for the MicroPython widget.

    .venv/bin/python bench/widget_load.py [--runs 5]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
# The same browser, flags and MIME types as the browser tests.
from tests.helpers import CHROMIUM, CHROMIUM_ARGS, MIME_TYPES  # noqa: E402

POST = "issues/small-models/"
WIDGETS = {"pyodide": "#widget-digits-1", "micropython": "#widget-digits-2"}
# Chromium's network emulation: 20 Mbit/s down and up, 40 ms round trip.
THROTTLE = {"offline": False, "latency": 40, "downloadThroughput": 2_500_000, "uploadThroughput": 2_500_000}

# Click the button and resolve with the milliseconds until the live result is in the page.
CLICK_TO_RESULT = """async (selector) => {
  const box = document.querySelector(`${selector} .pw-output`);
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
PAGE_BYTES = """() => [
  ...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource"),
].reduce((sum, e) => sum + e.transferSize, 0)"""


class StaticHost(http.server.SimpleHTTPRequestHandler):
    """Serves `.br` twins to browsers that accept brotli; versioned files cached for a year."""

    def guess_type(self, path: str) -> str:  # type: ignore[override]
        return MIME_TYPES.get(Path(str(path)).suffix) or super().guess_type(path)

    def send_head(self):  # noqa: ANN201 (http.server's protocol)
        self._cached = False
        path = Path(self.translate_path(self.path))
        twin = path.with_name(path.name + ".br")
        if path.is_file() and twin.is_file() and "br" in self.headers.get("Accept-Encoding", ""):
            handle = twin.open("rb")
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "br")
            self.send_header("Content-Length", str(twin.stat().st_size))
            self._cache_headers()
            self.end_headers()
            return handle
        return super().send_head()

    def end_headers(self) -> None:
        if not getattr(self, "_cached", False):
            self._cache_headers()
        super().end_headers()

    def _cache_headers(self) -> None:
        self._cached = True
        versioned = self.path.startswith(("/pyodide/", "/micropython/")) or "/widgets/" in self.path
        self.send_header("Cache-Control", "public, max-age=31536000, immutable" if versioned else "no-cache")

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


def build(output: Path, demo_cache: Path) -> None:
    if (PROJECT / "_demo_cache").is_dir():
        shutil.copytree(PROJECT / "_demo_cache", demo_cache)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pelican",
            "content",
            "-o",
            str(output),
            "-s",
            "pelicanconf.py",
            "-q",
            "-e",
            f'DEMOS_CACHE_PATH="{demo_cache}"',
        ],
        cwd=PROJECT,
        check=True,
    )


def one_visit(context, url: str, widget: str, second_run: bool = False, throttle: bool = False) -> dict:
    page = context.new_page()
    if throttle:
        devtools = context.new_cdp_session(page)
        devtools.send("Network.enable")
        devtools.send("Network.emulateNetworkConditions", THROTTLE)
    page.goto(url + POST)
    page.wait_for_load_state("networkidle")
    before = page.evaluate(PAGE_BYTES)
    ms = page.evaluate(CLICK_TO_RESULT, widget)
    after = int(page.get_attribute(f"{widget} .pw-cost", "data-pw-bytes"))
    result = {"before": before, "after": after, "ms": ms}
    if second_run:
        result["second_ms"] = page.evaluate(CLICK_TO_RESULT, widget)
    page.close()
    return result


def spread(rows: list[dict], key: str, scale: float = 1.0) -> tuple[float, float, float]:
    values = [row[key] / scale for row in rows]
    return statistics.median(values), min(values), max(values)


def cell(rows: list[dict], key: str, scale: float, digits: int) -> str:
    median, low, high = spread(rows, key, scale)
    return f"{median:.{digits}f} ({low:.{digits}f}-{high:.{digits}f})"


def report(runs: int, rows: dict[str, dict[str, list[dict]]]) -> None:
    """Both runtimes side by side: median (min-max), the ratio, the MicroPython target."""
    lines = [
        ("bytes before the click, kB", "cold", "before", 1e3, 1),
        ("bytes after the click, cold, kB", "cold", "after", 1e3, 1),
        ("bytes after the click, warm, kB", "warm", "after", 1e3, 1),
        ("click to result, cold, localhost, ms", "cold", "ms", 1, 0),
        ("click to result, cold, 20 Mbit/s 40 ms RTT, ms", "throttled", "ms", 1, 0),
        ("click to result, warm, ms", "warm", "ms", 1, 0),
        ("second run on the same page, ms", "cold", "second_ms", 1, 1),
    ]
    targets = {("cold", "after"): "<= 300", ("cold", "ms"): "<= 200",
               ("throttled", "ms"): "<= 600", ("cold", "second_ms"): "<= 20"}
    print(f"widget_load: {POST}, headless {CHROMIUM}, medians of {runs} runs (min-max), .br served")
    print(f"  Pyodide {WIDGETS['pyodide']}, MicroPython {WIDGETS['micropython']}: same model, same code")
    header = f"  {'measure':48} {'Pyodide':>24} {'MicroPython':>24} {'MP/Py':>7} {'target (MP)':>11}"
    print(header)
    for label, visit, key, scale, digits in lines:
        py, mp = rows["pyodide"][visit], rows["micropython"][visit]
        ratio = spread(mp, key)[0] / spread(py, key)[0] if spread(py, key)[0] else float("nan")
        target = targets.get((visit, key), "")
        print(f"  {label:48} {cell(py, key, scale, digits):>24} {cell(mp, key, scale, digits):>24} "
              f"{ratio:7.3f} {target:>11}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    runs = max(args.runs, 5)
    with tempfile.TemporaryDirectory() as scratch:
        scratch_path = Path(scratch)
        print("widget_load: building the sample site", file=sys.stderr)
        build(scratch_path / "output", scratch_path / "demo_cache")
        handler = functools.partial(StaticHost, directory=str(scratch_path / "output"))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        rows = {runtime: {"cold": [], "throttled": [], "warm": []} for runtime in WIDGETS}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for _ in range(runs):
                for runtime, widget in WIDGETS.items():
                    for visit, throttle in (("cold", False), ("throttled", True)):
                        context = browser.new_context()
                        rows[runtime][visit].append(one_visit(context, url, widget, not throttle, throttle))
                        context.close()
                        print(f"widget_load: {runtime} {visit} {rows[runtime][visit][-1]}", file=sys.stderr)
            browser.close()
            for index in range(runs):
                for runtime, widget in WIDGETS.items():
                    profile = scratch_path / f"profile-{runtime}-{index}"
                    for _visit in ("prime", "measure"):
                        context = playwright.chromium.launch_persistent_context(
                            profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
                        )
                        result = one_visit(context, url, widget)
                        context.close()
                    rows[runtime]["warm"].append(result)
                    print(f"widget_load: {runtime} warm {result}", file=sys.stderr)
        server.shutdown()
    report(runs, rows)


if __name__ == "__main__":
    main()
