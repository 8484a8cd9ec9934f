"""What a Pyodide widget costs a reader: bytes before and after the click, and time to result.

Builds the sample site, serves it the way the README recommends (precompressed
``.br`` twins, ``immutable`` caching for the versioned runtime folder) and drives
headless Debian chromium:

- bytes before the click (page, CSS, loader) and after it (runtime, worker, widget code);
- click-to-result, cold (fresh browser profile) and warm (the same on-disk profile,
  relaunched, so the runtime comes from the HTTP cache; no request interception,
  which would disable that cache);
- second run on the same page (the worker and interpreter are reused).

Medians over ``--runs`` (at least 5), with warm/cold and second/cold ratios from
the same run.

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
WIDGET = "#widget-digits-1"

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
        versioned = self.path.startswith("/pyodide/") or "/widgets/" in self.path
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


def one_visit(context, url: str, second_run: bool = False) -> dict:
    page = context.new_page()
    page.goto(url + POST)
    page.wait_for_load_state("networkidle")
    before = page.evaluate(PAGE_BYTES)
    ms = page.evaluate(CLICK_TO_RESULT, WIDGET)
    after = int(page.get_attribute(f"{WIDGET} .pw-cost", "data-pw-bytes"))
    result = {"before": before, "after": after, "ms": ms}
    if second_run:
        result["second_ms"] = page.evaluate(CLICK_TO_RESULT, WIDGET)
    page.close()
    return result


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
        cold, warm = [], []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for _ in range(runs):
                context = browser.new_context()
                cold.append(one_visit(context, url, second_run=True))
                print(f"widget_load: cold {cold[-1]}", file=sys.stderr)
                context.close()
            browser.close()
            for index in range(runs):
                profile = scratch_path / f"profile-{index}"
                for _visit in ("prime", "measure"):
                    context = playwright.chromium.launch_persistent_context(
                        profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
                    )
                    result = one_visit(context, url)
                    context.close()
                warm.append(result)
                print(f"widget_load: warm {result}", file=sys.stderr)
        server.shutdown()

    def med(rows: list[dict], key: str) -> float:
        return statistics.median(row[key] for row in rows)

    print(f"widget_load: {POST}{WIDGET}, headless {CHROMIUM}, medians of {runs} runs, .br served")
    print(f"  bytes before the click        {med(cold, 'before') / 1e3:10.1f} kB")
    print(f"  bytes after the click (cold)  {med(cold, 'after') / 1e6:10.2f} MB")
    print(f"  bytes after the click (warm)  {med(warm, 'after') / 1e3:10.1f} kB")
    print(f"  click to result, cold         {med(cold, 'ms'):10.0f} ms")
    warm_ratio = med(warm, "ms") / med(cold, "ms")
    print(f"  click to result, warm         {med(warm, 'ms'):10.0f} ms   ({warm_ratio:.2f} x cold)")
    print(
        f"  second run, same page         {med(cold, 'second_ms'):10.1f} ms   "
        f"({med(cold, 'second_ms') / med(cold, 'ms'):.4f} x cold)"
    )


if __name__ == "__main__":
    main()
