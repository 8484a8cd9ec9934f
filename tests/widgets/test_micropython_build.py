"""Building MicroPython widgets: the runtime option, the published runtime, the check against CPython."""

from __future__ import annotations

import gzip
import json
import re
import shutil

import brotli
import pytest
from pelican.plugins.pyodide_widgets import micropython_check, micropython_runtime

from tests.helpers import PROJECT, log_of
from tests.widgets.conftest import build_widget_site, published_weights
from tests.widgets.test_build import one_line, static_result

MIXED = "issues/two-runtimes/index.html"
MICROPYTHON_VERSION = "1.27.0"
NPM_NAME = "@micropython/micropython-webassembly-pyscript"


def figure_attributes(html: str, widget_id: str) -> str:
    return re.search(rf'<figure class="pw-widget" id="{widget_id}"[^>]*>', html).group(0)


def test_runtime_is_pinned_and_published_with_compressed_twins(widget_site):
    manifest = json.loads((PROJECT / "package.json").read_text())
    lock = json.loads((PROJECT / "package-lock.json").read_text())
    assert manifest["dependencies"][NPM_NAME] == MICROPYTHON_VERSION
    assert lock["packages"][f"node_modules/{NPM_NAME}"]["version"] == MICROPYTHON_VERSION
    folder = widget_site / "micropython" / MICROPYTHON_VERSION
    names = {path.name for path in folder.iterdir()}
    files = set(micropython_runtime.RUNTIME_FILES)
    assert names == files | {f"{n}.{s}" for n in files for s in ("br", "gz")}
    for name in files:
        raw = (folder / name).read_bytes()
        assert raw == (PROJECT / "node_modules" / NPM_NAME / name).read_bytes()
        assert brotli.decompress((folder / f"{name}.br").read_bytes()) == raw
        assert gzip.decompress((folder / f"{name}.gz").read_bytes()) == raw
    # The issue asked for a twentieth of Pyodide's 5.45 MB; since Pyodide's standard
    # library is trimmed (issue 12) it is about a sixteenth of the trimmed runtime.
    micro = sum((folder / f"{name}.br").stat().st_size for name in files)
    pyodide = sum(path.stat().st_size for path in (widget_site / "pyodide").glob("*/*.br"))
    assert micro * 20 < 5_450_000 and micro * 15 < pyodide


def test_each_widget_names_its_runtime_and_gets_the_cpython_result(widget_site):
    html = (widget_site / MIXED).read_text()
    runtimes = {
        widget_id: re.search(r'data-pw-runtime="(\w+)"', figure_attributes(html, widget_id)).group(1)
        for widget_id in ("widget-digits-1", "widget-digits-2", "widget-iris-1")
    }
    assert runtimes == {
        "widget-digits-1": "pyodide", "widget-digits-2": "micropython", "widget-iris-1": "micropython"
    }
    # The same code and weights on both runtimes: the same static result.
    assert static_result(html, "widget-digits-1") == static_result(html, "widget-digits-2")
    # Pages without the option use the site's default, Pyodide.
    plain = (widget_site / "issues/tiny-models-on-your-device/index.html").read_text()
    assert 'data-pw-runtime="pyodide"' in figure_attributes(plain, "widget-iris-1")
    # The MicroPython widgets announce their own, smaller download.
    hints = re.findall(r"The first run downloads ([\d.]+) (kB|MB) \(compressed\) of Python", html)
    assert hints[0][1] == "MB" and [unit for _, unit in hints[1:]] == ["kB", "kB"]
    assert 100 <= float(hints[1][0]) <= 300


def test_loader_names_both_workers_and_the_micropython_folder(widget_site):
    (loader,) = (widget_site / "widgets").glob("loader.*.mjs")
    text = loader.read_text()
    config = json.loads(re.search(r"^const CONFIG = (.*);$", text, re.MULTILINE).group(1))
    workers = {name: runtime["worker"] for name, runtime in config["runtimes"].items()}
    assert set(workers) == {"pyodide", "micropython"}
    assert (widget_site / "widgets" / workers["micropython"]).is_file()
    assert config["runtimes"]["micropython"]["options"]["indexURL"] == f"micropython/{MICROPYTHON_VERSION}/"
    worker = (widget_site / "widgets" / workers["micropython"]).read_text()
    assert "__PW_" not in worker and "def pw_run(name, key, input_json):" in worker


SITE_DEFAULT_POST = """\
    Title: Default runtime
    Date: 2025-03-05

    ::: demo demos/widget_iris.py
    :::

    ::: widget iris
    model: demos/widget_iris.py
    :::
    """


def test_site_default_micropython_publishes_no_pyodide(tmp_path, widget_demo_cache):
    result = build_widget_site(
        tmp_path, {"issues/d.md": SITE_DEFAULT_POST}, {"WIDGETS_RUNTIME": "micropython"}, widget_demo_cache
    )
    assert result.returncode == 0, log_of(result)
    html = (tmp_path / "output/issues/default-runtime/index.html").read_text()
    assert 'data-pw-runtime="micropython"' in html
    assert not (tmp_path / "output" / "pyodide").exists()
    assert list((tmp_path / "output" / "widgets").glob("worker.*.mjs")) == []
    (loader,) = (tmp_path / "output" / "widgets").glob("loader.*.mjs")
    config = json.loads(re.search(r"^const CONFIG = (.*);$", loader.read_text(), re.MULTILINE).group(1))
    assert set(config["runtimes"]) == {"micropython"}


# Each module is the project's digits widget with one CPython-only spelling put back.
def _variant(edit) -> str:
    return edit((PROJECT / "widgets" / "digits.py").read_text())


VARIANTS = {
    "future_import": lambda code: "from __future__ import annotations\n" + code,
    "zip_strict": lambda code: code.replace("zip(row, features)", "zip(row, features, strict=True)"),
    "dunder_call": lambda code: code.replace("key=lambda index: scores[index]", "key=scores.__getitem__"),
    "no_statistics": lambda code: code.replace("import math\n", "import math\nimport statistics\n"),
    "differs": lambda code: code.replace("import math\n", "import math\nimport sys\n").replace(
        '"p": round(e / total, 6)',
        '"p": round(e / total, 6) + (1e-6 if sys.implementation.name == "micropython" else 0)',
    ),
}


def line_of(code: str, text: str) -> int:
    return next(number for number, line in enumerate(code.splitlines(), 1) if text in line)


def test_incompatible_modules_are_content_errors_with_file_line_and_hint(tmp_path, widget_demo_cache):
    widgets = tmp_path / "widgets"
    widgets.mkdir()
    codes = {name: _variant(edit) for name, edit in VARIANTS.items()}
    for name, code in codes.items():
        assert code != (PROJECT / "widgets" / "digits.py").read_text(), name
        (widgets / f"{name}.py").write_text(code)
    shutil.copy(PROJECT / "widgets" / "digits.py", widgets / "digits.py")
    blocks = "".join(
        f"\n    ::: widget {name}\n    model: demos/widget_digits.py\n    runtime: micropython\n    :::\n"
        for name in (*VARIANTS, "digits")
    )
    post = "    Title: Incompatible\n    Date: 2025-03-06\n\n    ::: demo demos/widget_digits.py\n    :::\n"
    post += blocks
    result = build_widget_site(
        tmp_path, {"issues/bad.md": post}, {"PYODIDE_WIDGETS_PATH": str(widgets)}, widget_demo_cache
    )
    log = one_line(log_of(result))
    assert result.returncode != 0
    assert "Traceback (most recent call last)" not in log_of(result)
    log = log[log.index("the build failed:") :]  # the summary: one line per error, no log columns
    expected = {
        "future_import": (1, "ImportError: no module named '__future__'", "remove `from __future__ import"),
        "zip_strict": (
            line_of(codes["zip_strict"], "strict=True"),
            "TypeError: function doesn't take keyword arguments",
            "zip(..., strict=True) fails",
        ),
        "dunder_call": (
            line_of(codes["dunder_call"], "__getitem__"),
            "AttributeError: 'list' object has no attribute '__getitem__'",
            "key=lambda i: scores[i]",
        ),
        "no_statistics": (
            line_of(codes["no_statistics"], "import statistics"),
            "ImportError: no module named 'statistics'",
            "statistics is not",
        ),
    }
    for name, (line, error, hint) in expected.items():
        assert re.search(
            rf"bad\.md:\d+: widget '{name}': does not run under MicroPython {MICROPYTHON_VERSION} "
            rf"\([^)]*\): widgets/{name}\.py:{line}: {re.escape(error)}\. Hint: [^/]*?{re.escape(hint)}",
            log,
        ), (name, log)
    assert re.search(
        r"widget 'differs': widgets/differs\.py gives another result under MicroPython [\d.]+ on its "
        r"sample input: result\['probabilities'\]\[\d\]\['p'\] is [\d.e-]+ in MicroPython and [\d.e-]+ "
        r"in CPython \(allowed difference 1e-09\)",
        log,
    ), log
    assert "widget 'digits'" not in log  # the project's own module passes
    html = (tmp_path / "output/issues/incompatible/index.html").read_text()
    assert html.count('class="build-error"') == len(VARIANTS)


def test_a_bad_runtime_option_names_file_and_line(tmp_path, widget_demo_cache):
    post = """\
        Title: Bad runtime
        Date: 2025-03-07

        ::: widget iris
        model: demos/widget_iris.py
        runtime: micropyhton
        :::
        """
    result = build_widget_site(tmp_path, {"issues/r.md": post}, demo_cache=widget_demo_cache)
    assert result.returncode != 0
    assert "r.md:6: option 'runtime': expected pyodide or micropython, got 'micropyhton'" in one_line(
        log_of(result)
    )


def test_numbers_agree_within_1e_9_and_other_differences_are_named():
    same = {"label": "1", "probabilities": [{"label": "1", "p": 0.25}]}
    close = {"label": "1", "probabilities": [{"label": "1", "p": 0.25 + 1e-12}]}
    assert micropython_check.first_difference(close, same) is None
    far = {"label": "1", "probabilities": [{"label": "1", "p": 0.25 + 1e-8}]}
    assert micropython_check.first_difference(far, same).startswith("result['probabilities'][0]['p'] is")
    assert "has keys" in micropython_check.first_difference({"label": "1"}, same)
    assert micropython_check.first_difference({**same, "label": "7"}, same) == (
        "result['label'] is '7' in MicroPython and '1' in CPython"
    )


def test_without_node_the_check_says_how_to_fix_it(widget_site, tmp_path):
    runtime = micropython_runtime.find_runtime(PROJECT / "node_modules" / NPM_NAME)
    weights = published_weights(widget_site, "iris")
    with pytest.raises(micropython_check.MicroPythonCheckError, match="Install Node.js 20 or later"):
        micropython_check.check_widget(
            node=str(tmp_path / "no-node"),
            runtime=runtime,
            name="iris",
            widget_file=PROJECT / "widgets" / "iris.py",
            shown_path="widgets/iris.py",
            weights=json.dumps(weights),
            sample=weights["sample"]["features"],
            result={},
            summary="",
        )


def test_a_missing_micropython_package_says_how_to_install_it(tmp_path):
    with pytest.raises(micropython_runtime.MicroPythonMissingError, match="npm ci"):
        micropython_runtime.find_runtime(tmp_path)
