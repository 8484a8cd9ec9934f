"""The widgets' pure-Python code and the demos that train it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from pelican.plugins.pyodide_widgets import contract, widget_modules
from pelican.plugins.pyodide_widgets.directive import WidgetRequest
from plugin_core import placeholders
from plugin_core.feed_html import without_live_parts

from tests.helpers import PROJECT
from tests.widgets.conftest import load_widget_module


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> dict[str, dict]:
    """Run both training demos on their own, as an author would, into a temporary folder."""
    weights = {}
    for name in ("digits", "iris"):
        folder = tmp_path_factory.mktemp(name)
        done = subprocess.run(
            [sys.executable, str(PROJECT / "demos" / f"widget_{name}.py")],
            env={"DEMO_ARTIFACTS_DIR": str(folder), "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            check=True,
        )
        assert "Test accuracy" in done.stdout
        weights[name] = json.loads((folder / "weights.json").read_text())
    return weights


def test_digits_model_is_small_and_accurate(trained):
    weights = trained["digits"]
    assert len(weights["coef"]) == 10 and all(len(row) == 64 for row in weights["coef"])
    # Held-out digits as drawings (thick, thin, shrunk, off-centre): harder than the scans themselves.
    assert weights["test_accuracy"] > 0.78
    assert len(json.dumps(weights)) < 8000


@pytest.mark.parametrize("name", ["digits", "iris"])
def test_predict_returns_probabilities_that_sum_to_one(trained, name):
    module = load_widget_module(name)
    weights = trained[name]
    result = module.predict(weights, module.sample_input(weights))
    assert abs(sum(item["p"] for item in result["probabilities"]) - 1) < 1e-4
    best = max(result["probabilities"], key=lambda item: item["p"])
    assert result["label"] == best["label"] == weights["sample"]["true_label"]
    assert module.describe(result).endswith("probability).")
    assert contract.check_widget(module, weights).result == result


def test_predict_rejects_an_input_of_the_wrong_size(trained):
    with pytest.raises(ValueError, match="expected 64 pixels, got 3"):
        load_widget_module("digits").predict(trained["digits"], [1, 0, 1])


def test_widget_modules_use_only_what_both_runtimes_have():
    """The standard library MicroPython shares with CPython (README, "Which runtime?")."""
    for path in (PROJECT / "widgets").glob("*.py"):
        imports = {
            line.split()[1].split(".")[0]
            for line in path.read_text().splitlines()
            if line.startswith(("import ", "from "))
        }
        assert imports <= {"math", "json"}, (path.name, imports)


def test_a_module_without_the_interface_is_explained(tmp_path):
    (tmp_path / "half.py").write_text("TITLE = 'x'\n")
    with pytest.raises(widget_modules.WidgetCodeError, match="lacks EXPLANATION, INPUT"):
        widget_modules.load(tmp_path, "half")


def test_placeholder_round_trips():
    request = WidgetRequest("digits", "demos/widget_digits.py", "A -- caption", "weights.json", "a.md", 3)
    encoded = request.placeholder()
    assert "--" not in encoded[4:-3]
    assert [WidgetRequest(**payload) for payload in placeholders.find("widget", encoded)] == [request]


def test_without_live_parts_swaps_live_part_for_a_link():
    html = (
        '<figure class="pw-widget" id="widget-x-1"><p>static</p><!--pw-live--><button>Run</button>'
        "<!--/pw-live--><noscript><p>JS</p></noscript></figure>"
    )
    out = without_live_parts(html, "https://example.org/issues/a/")
    assert "<button" not in out and "noscript" not in out and "<p>static</p>" in out
    assert 'href="https://example.org/issues/a/#widget-x-1"' in out
