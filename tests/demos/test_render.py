"""The HTML of a demo: escaped output, units, and a label a non-engineer can read."""

from __future__ import annotations

from pelican.plugins.measured_demos.render import render_demo, render_failure
from plugin_core.carbon import CarbonIntensity
from plugin_core.demo_link import DemoFailure, DemoResult, EnergyReading
from plugin_core.units import co2e_text, energy_text


def result(**changes) -> DemoResult:
    values = dict(
        script="demos/x.py",
        caption='Accuracy <against> "energy"',
        key="k" * 64,
        stdout="<script>alert(1)</script>\n",
        stderr="warning & note",
        output_truncated=False,
        figures=(),
        artifacts={},
        energy_joules=18.0,
        method="estimate",
        formula="1.500 CPU-s x 12 W per core = 18 J",
        hardware="Test CPU, 2 logical CPUs",
        exclusions="idle power",
        co2e_grams=18.0 / 3.6e6 * 475,
        intensity=CarbonIntensity(475, "world average", 2019, "IEA 2019", "https://example.org/iea"),
        pue=None,
        measured_at="2025-03-01T10:20:00+00:00",
        machine="Test CPU",
        cpu_seconds=1.5,
        wall_seconds=1.6,
        peak_rss_mb=120,
        packages={"numpy": "2.4.6", "scikit-learn": "1.9.1"},
        python_version="3.11.7",
        parallel_peers=0,
        from_cache=True,
    )
    values.update(changes)
    energy = {
        name: values.pop(name) for name in ("energy_joules", "method", "formula", "hardware", "exclusions")
    }
    values["energy"] = EnergyReading(
        joules=energy["energy_joules"],
        method=energy["method"],
        formula=energy["formula"],
        hardware=energy["hardware"],
        exclusions=energy["exclusions"],
    )
    return DemoResult(**values)


def test_units():
    assert energy_text(18.0) == ("18 J", "0.005 Wh")
    assert energy_text(0.1234) == ("0.123 J", "0.0000343 Wh")  # never e-notation for a reader
    assert energy_text(123456.0) == ("123456 J", "34.3 Wh")
    assert co2e_text(0.0000012) == "0.0012 mg CO\u2082e"
    assert co2e_text(2.5) == "2.5 g CO\u2082e"
    assert co2e_text(0.0023746) == "2.37 mg CO\u2082e"


def test_output_is_escaped_and_label_is_complete():
    html = render_demo(result(), [])
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "warning &amp; note" in html
    assert "used an estimated <strong>18 J</strong> (0.005 Wh)" in html
    assert "2.38 mg CO\u2082e" in html
    assert "<strong>estimate</strong>" in html and "not a meter reading" in html
    for detail in (
        "<summary>How this was measured</summary>",
        "1.500 CPU-s x 12 W per core",
        "<dd>estimate (no CPU energy counter could be read on this machine",
        "Test CPU, 2 logical CPUs",
        "1.500 s of CPU time, 1.600 s wall time, 120 MB peak memory",
        "475 g CO\u2082e per kWh (world average, 2019); source: "
        '<a href="https://example.org/iea">IEA 2019</a>',
        "idle power",
        "run on 1 March 2025, 10:20 UTC",
        "from the cache",
        "Python 3.11.7; numpy 2.4.6, scikit-learn 1.9.1",
        "0.000005 kWh x 475 g/kWh = 2.38 mg",
    ):
        assert detail in html, detail
    assert "beside" not in html and "PUE" not in html


def test_measurement_pue_and_parallel_are_said():
    html = render_demo(result(method="measured (RAPL)", pue=1.56, parallel_peers=2, from_cache=False), [])
    assert "<strong>measured</strong>" in html and "estimate" not in html.split("<details")[0]
    assert "used <strong>18 J</strong>" in html and "no CPU energy counter" not in html
    assert "PUE 1.56" in html
    assert "measured beside 2 other demos running at the same time" in html


def test_figures_get_alt_text_and_size(tmp_path):
    svg = tmp_path / "fig-1.svg"
    svg.write_text(
        '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
        'width="432pt" height="216pt" viewBox="0 0 432 216">'
    )
    html = render_demo(result(figures=(svg, svg)), ["a.svg", "b.svg"])
    assert (
        '<img src="a.svg" alt="Accuracy &lt;against&gt; &quot;energy&quot; (figure 1 of 2)" '
        'width="576" height="288"' in html
    )
    assert "<figcaption>Accuracy &lt;against&gt; &quot;energy&quot;</figcaption>" in html


def test_truncated_output_says_so():
    assert "cut short" in render_demo(result(output_truncated=True), [])


def test_failure_box_escapes_and_keeps_the_traceback():
    box = render_failure(
        "demos/x.py",
        "content/a.md:3: demo demos/x.py failed: E: <x>",
        DemoFailure("E", "<x>", 2, "Trace <y>"),
    )
    assert 'role="alert"' in box and "&lt;x&gt;" in box and "Trace &lt;y&gt;" in box


def test_software_names_what_the_demo_imports_apart_from_what_those_loaded():
    # scikit-learn 1.9 imports rich (when installed) for its progress bars: rich was
    # loaded, but the demo did not import it, and the label must not say it did.
    packages = {"numpy": "2.4.6", "rich": "15.0.0", "scikit-learn": "1.9.1"}
    html = render_demo(result(packages=packages, demo_packages=("scikit-learn",)), [])
    assert (
        "Python 3.11.7 with scikit-learn 1.9.1 (imported by the demo); "
        "loaded by those in turn: numpy 2.4.6, rich 15.0.0"
    ) in html
