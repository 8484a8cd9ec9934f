"""The HTML of a demo: escaped output, units, and a label a non-engineer can read."""

from __future__ import annotations

import re

from pelican.plugins.measured_demos.estimate_range import estimate_range
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
        intensity=CarbonIntensity(
            475, "world average", 2024, "Ember, test copy", "https://example.org/ember", "CC BY-SA 4.0"
        ),
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
        estimated_joules=values.pop("estimated_joules", None),
    )
    values.setdefault(
        "energy_range",
        estimate_range(
            values["energy"],
            cpu_seconds=values["cpu_seconds"],
            wall_seconds=values["wall_seconds"],
            peak_rss_mb=values["peak_rss_mb"],
            allocated_mb=2048,
            pue=values["pue"],
        ),
    )
    return DemoResult(**values)


def label_of(html: str) -> str:
    """The cost sentence and the details: what the plugin wrote, not what the demo printed."""
    return html[html.index('<p class="demo-cost"') :]


def test_units():
    assert energy_text(18.0) == ("18 J", "0.005 Wh")
    assert energy_text(0.1234) == ("0.123 J", "0.0000343 Wh")  # never e-notation for a reader
    assert energy_text(123456.0) == ("123000 J", "34.3 Wh")  # no more digits than asked
    assert energy_text(44.9, 2) == ("45 J", "0.012 Wh")
    # One unit for CO2e across the site: mg.
    assert co2e_text(0.0000012) == "0.0012 mg CO\u2082e"
    assert co2e_text(2.5) == "2,500 mg CO\u2082e"
    assert co2e_text(0.0023746) == "2.37 mg CO\u2082e"
    assert co2e_text(0.00592, 2) == "5.9 mg CO\u2082e"


def test_output_is_escaped_and_the_estimate_says_so_with_a_range():
    html = render_demo(result(), [])
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "warning &amp; note" in html
    label = label_of(html)
    assert "measured" not in label.lower()
    # low 1.5 CPU-s x 4 W + 0.07 J memory = 6.07 J; high (18 + 2 GB x 0.3725 W/GB x 1.6 s) x 1.56 = 29.94 J
    assert "used an <strong>estimated 18 J</strong> (0.005 Wh; range 6.1 to 30 J)" in label
    assert "an estimated <strong>2.4 mg CO\u2082e</strong> (range 0.8 to 3.9 mg CO\u2082e)" in label
    assert "<strong>estimate</strong>" in label and "not a meter reading" in label
    for detail in (
        "<summary>How this was estimated</summary>",
        "CodeCarbon 3.3.2",
        "4 W per thread",
        "Green Algorithms applied in full",
        "2048 MB cap",
        "PUE 1.56",
        "peak RSS",
        "memory allocated",
        "PUE not applied",
        "Exact arithmetic (not significant)</dt><dd>1.500 CPU-s x 12 W per core",
        "<dd>estimated: no energy counter could be read on this machine",
        "Test CPU, 2 logical CPUs",
        "1.500 s of CPU time, 1.600 s wall time, 120 MB peak RSS",
        '<a href="https://example.org/ember">475 g CO\u2082e/kWh, world average, 2024; Ember, test copy; '
        "licence CC BY-SA 4.0</a>",
        "idle power",
        "run on 1 March 2025, 10:20 UTC (region not recorded for this run)",
        "from the cache",
        "Python 3.11.7; numpy 2.4.6, scikit-learn 1.9.1",
        "0.000005 kWh x 475 g/kWh = 2.375 mg",
    ):
        assert detail in label, detail
    assert "beside" not in label
    # At most two significant figures in the reader's sentence.
    sentence = label[: label.index("</p>")]
    for number in re.findall(r"\d[\d,.]*", sentence.replace("CO\u2082e", "")):
        digits = number.replace(",", "").replace(".", "").lstrip("0")
        assert len(digits.rstrip("0")) <= 2, number


def test_a_counter_reading_says_measured_what_it_counts_and_its_resolution():
    html = render_demo(
        result(method="measured (RAPL)", pue=1.56, parallel_peers=2, from_cache=False, energy_range=None),
        [],
    )
    label = label_of(html)
    sentence = label.split("<details")[0]
    assert "<strong>measured</strong>" in sentence and "estimat" not in sentence
    assert "used <strong>18 J</strong>" in sentence and "no energy counter" not in label
    assert "whole CPU package" in sentence and "1 microjoule" in sentence
    assert "<summary>How this was measured</summary>" in label
    assert "PUE 1.56 applied" in label
    assert "beside 2 other demos running at the same time" in label


def test_estimated_cpu_with_measured_gpu_says_which_part_is_which():
    mixed = result(method="estimate + measured (NVML)", energy_joules=30.0, estimated_joules=18.0)
    html = render_demo(mixed, [])
    label = label_of(html)
    assert "<summary>How this was estimated and measured</summary>" in label
    assert "processor's part (18 J) is <strong>estimated</strong>" in label
    assert "GPU's part was <strong>measured</strong>" in label and "millijoules" in label


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
