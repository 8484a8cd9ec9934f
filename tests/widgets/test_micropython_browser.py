"""MicroPython widgets in real headless Chromium: CPython's result, nothing of Pyodide, plain errors."""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import MIME_TYPES, serve
from tests.widgets.conftest import cpython_result, hardlinked_copy, load_widget_module, published_weights
from tests.widgets.test_browser import (
    LOAD_TIMEOUT_MS,
    WATCH_ANNOUNCEMENTS,
    _summary,
    grid_input,
    run_widget,
    serve_stalling,
    with_loader_config,
)

pytestmark = pytest.mark.browser

MIXED = "issues/two-runtimes/"
PYODIDE_WIDGET, MICRO_DIGITS, MICRO_IRIS = "widget-digits-1", "widget-digits-2", "widget-iris-1"


@pytest.fixture(scope="module")
def site_url(widget_site):
    with serve(widget_site) as url:
        yield url


def runtime_requests(requests: list[str]) -> dict[str, list[str]]:
    return {
        "pyodide": [url for url in requests if "/pyodide/" in url or "/widgets/worker." in url],
        "micropython": [url for url in requests if "/micropython/" in url or "micropython_worker." in url],
    }


def test_micropython_result_is_cpythons_and_nothing_of_pyodide_is_fetched(page, site_url, widget_site):
    page.add_init_script(WATCH_ANNOUNCEMENTS)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(site_url + MIXED)
    page.wait_for_load_state("networkidle")
    assert runtime_requests(requests) == {"pyodide": [], "micropython": []}

    result = run_widget(page, MICRO_DIGITS)
    module = load_widget_module("digits")
    sample = module.sample_input(published_weights(widget_site, "digits"))
    assert grid_input(page, MICRO_DIGITS) == sample
    assert result == cpython_result(widget_site, "digits", sample)
    assert module.describe(result) in page.inner_text(f"#{MICRO_DIGITS} .pw-result")
    fetched = runtime_requests(requests)
    assert fetched["pyodide"] == []
    assert any(url.endswith("/micropython.wasm") for url in fetched["micropython"])
    # The same cost line as a Pyodide widget: bytes, time, an estimated energy.
    cost = page.inner_text(f"#{MICRO_DIGITS} .pw-cost")
    assert "kB downloaded" in cost and "estimate" in cost and " J " in cost
    # Every byte of the runtime is in it (this test server sends files uncompressed).
    folder = next((widget_site / "micropython").iterdir())
    runtime_files = sum((folder / name).stat().st_size for name in ("micropython.mjs", "micropython.wasm"))
    assert runtime_files > 500_000
    assert int(page.get_attribute(f"#{MICRO_DIGITS} .pw-cost", "data-pw-bytes")) > runtime_files
    assert page.evaluate("window.__announcedWhileBusy") == []

    # A drawing of the reader's own, then the iris network: one MicroPython worker for both.
    page.click(f"#{MICRO_DIGITS} .pw-clear")
    for index in (3, 4, 11, 12, 19, 20, 27, 28, 35, 36, 43, 44, 51, 52):
        page.locator(f"#{MICRO_DIGITS} .pw-cell").nth(index).dispatch_event("click", {"detail": 0})
    drawn = grid_input(page, MICRO_DIGITS)
    assert sum(drawn) == 14
    # Once loaded, each change runs the model again: wait until the last of those runs ended.
    page.wait_for_function(f"!document.querySelector('#{MICRO_DIGITS}').hasAttribute('aria-busy')")
    live = json.loads(page.get_attribute(f"#{MICRO_DIGITS} .pw-result", "data-pw-result"))
    assert live == cpython_result(widget_site, "digits", drawn)
    sliders = page.locator(f"#{MICRO_IRIS} input[type=range]")
    sliders.nth(2).fill("1.5")
    values = [float(sliders.nth(i).input_value()) for i in range(4)]
    assert run_widget(page, MICRO_IRIS) == cpython_result(widget_site, "iris", values)
    assert runtime_requests(requests)["pyodide"] == []
    assert page.console_errors == []


def test_each_runtime_is_fetched_only_for_its_own_widgets(page, site_url, widget_site):
    workers = []
    page.on("worker", lambda worker: workers.append(worker.url))
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(site_url + MIXED)
    sample = grid_input(page, PYODIDE_WIDGET)
    assert run_widget(page, PYODIDE_WIDGET) == cpython_result(widget_site, "digits", sample)
    assert runtime_requests(requests)["micropython"] == []
    assert run_widget(page, MICRO_DIGITS) == cpython_result(widget_site, "digits", sample)
    assert len(workers) == 2 and sum("micropython_worker." in url for url in workers) == 1


def test_no_axe_violations_before_and_after_a_run(page, site_url, axe):
    page.goto(site_url + MIXED)
    page.wait_for_load_state("networkidle")
    assert _summary(axe(page)) == []
    run_widget(page, MICRO_DIGITS)
    run_widget(page, MICRO_IRIS)
    assert _summary(axe(page)) == []


def wait_for_error(page, widget_id: str, text: str) -> str:
    error = page.locator(f"#{widget_id} .pw-error")
    error.filter(has_text=text).wait_for(timeout=LOAD_TIMEOUT_MS)
    assert page.is_hidden(f"#{widget_id} .pw-progress")
    assert page.get_attribute(f"#{widget_id} .pw-run", "aria-disabled") is None
    assert page.evaluate("window.__announcedWhileBusy") == []
    return error.inner_text()


def test_a_missing_wasm_is_explained_and_a_retry_works(page, widget_site, tmp_path):
    page.add_init_script(WATCH_ANNOUNCEMENTS)
    broken = hardlinked_copy(widget_site, tmp_path / "site")
    (wasm,) = (broken / "micropython").glob("*/micropython.wasm")
    wasm.unlink()
    with serve(broken) as url:
        page.goto(url + MIXED)
        page.click(f"#{MICRO_DIGITS} .pw-run")
        text = wait_for_error(page, MICRO_DIGITS, "micropython.wasm")
        assert "Could not download micropython.wasm (HTTP 404" in text
        assert "result computed when this page was built is shown below" in text
        wasm.hardlink_to(widget_site / wasm.relative_to(broken))  # the deploy finished
        sample = grid_input(page, MICRO_DIGITS)
        assert run_widget(page, MICRO_DIGITS) == cpython_result(widget_site, "digits", sample)
        assert page.inner_text(f"#{MICRO_DIGITS} .pw-error") == ""


class _Host(http.server.SimpleHTTPRequestHandler):
    """A static host whose MIME types a test can change while it serves."""

    types: dict[str, str] = {}

    def guess_type(self, path: str) -> str:  # type: ignore[override]
        return self.types.get(Path(str(path)).suffix) or super().guess_type(path)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # the fixed type must be fetched again
        super().end_headers()

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


@contextlib.contextmanager
def serve_with_types(directory: Path, types: dict[str, str]) -> Iterator[str]:
    handler = type("Host", (_Host,), {"types": types})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(directory))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_a_wrong_wasm_mime_type_is_explained_and_a_retry_works(page, widget_site):
    page.add_init_script(WATCH_ANNOUNCEMENTS)
    types = {**MIME_TYPES, ".wasm": "application/octet-stream"}
    with serve_with_types(widget_site, types) as url:
        page.goto(url + MIXED)
        page.click(f"#{MICRO_IRIS} .pw-run")
        text = wait_for_error(page, MICRO_IRIS, "application/wasm")
        assert 'sent micropython.wasm as "application/octet-stream"' in text
        assert "tell the site's author to fix the server's MIME types" in text
        types[".wasm"] = "application/wasm"  # the server is fixed
        sliders = page.locator(f"#{MICRO_IRIS} input[type=range]")
        values = [float(sliders.nth(i).input_value()) for i in range(4)]
        assert run_widget(page, MICRO_IRIS) == cpython_result(widget_site, "iris", values)
        assert page.inner_text(f"#{MICRO_IRIS} .pw-error") == ""


RAISES_ON_EMPTY = '''
    if sum(pixels) == 0:
        raise ValueError("draw something first")
'''


def test_a_widget_module_that_raises_is_explained_and_a_retry_works(page, widget_site, tmp_path):
    page.add_init_script(WATCH_ANNOUNCEMENTS)
    site = hardlinked_copy(widget_site, tmp_path / "site")
    (code,) = (site / "widgets").glob("digits.*.py")
    source = code.read_text()
    anchor = "    features = preprocess(pixels)\n"
    changed = source.replace(anchor, anchor + RAISES_ON_EMPTY)
    code.unlink()  # a hard link: write a new file, leave the built site alone
    code.write_text(changed)
    line = changed.splitlines().index('        raise ValueError("draw something first")') + 1
    with serve(site) as url:
        page.goto(url + MIXED)
        page.click(f"#{MICRO_DIGITS} .pw-clear")
        page.click(f"#{MICRO_DIGITS} .pw-run")
        text = wait_for_error(page, MICRO_DIGITS, "draw something first")
        assert f"ValueError: draw something first (widgets/digits.py, line {line})" in text
        assert "Traceback" not in text
        # Python is still running: drawing a square and pressing the button again works.
        page.locator(f"#{MICRO_DIGITS} .pw-cell").nth(27).dispatch_event("click", {"detail": 0})
        drawn = grid_input(page, MICRO_DIGITS)
        assert run_widget(page, MICRO_DIGITS) == cpython_result(widget_site, "digits", drawn)
        assert page.inner_text(f"#{MICRO_DIGITS} .pw-error") == ""


def test_a_stalled_runtime_download_times_out(page, widget_site, tmp_path):
    """The same deadline as Pyodide's: a .wasm that never finishes ends in an error, not a spinner."""
    site = with_loader_config(widget_site, tmp_path / "site", timeout=3)
    with serve_stalling(site, "micropython.wasm") as url:
        page.goto(url + MIXED)
        page.click(f"#{MICRO_IRIS} .pw-run")
        error = page.locator(f"#{MICRO_IRIS} .pw-error")
        error.filter(has_text="did not start within 3 seconds").wait_for(timeout=30_000)
        assert page.is_hidden(f"#{MICRO_IRIS} .pw-progress")
