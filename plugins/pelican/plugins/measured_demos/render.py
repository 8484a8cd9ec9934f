"""The HTML of one demo, for the page and the feed (no scripts, readable without CSS).

A short plain-language sentence comes first: "estimated" (2 significant
figures and a range) or "measured" (what the counter includes), never one worded
as the other. The method, range, exact arithmetic (marked not significant),
hardware, times, PUE, carbon intensity with its source and licence, exclusions,
versions and date sit one click away in a <details> element. Everything the demo
printed is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from plugin_core.carbon import JOULES_PER_KWH
from plugin_core.demo_link import DemoFailure, DemoResult, WorkerInfo
from plugin_core.numbers import significant
from plugin_core.units import co2e_text, energy_text, grouped

from .figures import display_size

LED_BULB_WATTS = 10




def render_demo(
    result: DemoResult,
    figure_urls: Sequence[str],
    *,
    source: str | None = None,
    error_note: str | None = None,
) -> str:
    """The full block: figures, output, cost sentence, details, optional source."""
    parts = [f'<section class="demo" data-demo="{escape(result.script)}">']
    if error_note:
        parts.append(error_note)
    parts.append(_figures(result, figure_urls))
    parts.append(_output(result))
    parts.append(_cost_sentence(result))
    parts.append(_details(result))
    if source is not None:
        parts.append(_source(result.script, source))
    parts.append("</section>")
    return "\n".join(part for part in parts if part)


def render_failure(script: str, message: str, failure: DemoFailure, source: str | None = None) -> str:
    """The visible box that stands in for a failed demo (drafting mode)."""
    details = escape(failure.traceback.strip()) if failure.traceback else ""
    box = (
        f'<div class="build-error demo-error" role="alert"><p><strong>Demo failed:</strong> '
        f"<code>{escape(script)}</code></p><pre>{escape(message)}</pre>"
    )
    if details:
        box += f"<details><summary>Traceback</summary><pre>{details}</pre></details>"
    box += "</div>"
    if source is not None:
        box += _source(script, source)
    return box


def _figures(result: DemoResult, urls: Sequence[str]) -> str:
    if not urls:
        return f'<p class="demo-caption">{escape(result.caption)}</p>' if result.caption else ""
    images = []
    count = len(urls)
    for index, (url, path) in enumerate(zip(urls, result.figures, strict=False), start=1):
        alt = result.caption or f"Figure produced by {result.script}"
        if count > 1:
            alt += f" (figure {index} of {count})"
        size = display_size(path)
        dimensions = f' width="{size[0]}" height="{size[1]}"' if size else ""
        images.append(
            f'<img src="{escape(url)}" alt="{escape(alt)}"{dimensions} loading="lazy" decoding="async">'
        )
    caption = f"<figcaption>{escape(result.caption)}</figcaption>" if result.caption else ""
    return f'<figure class="demo-figure">{"".join(images)}{caption}</figure>'


def _output(result: DemoResult) -> str:
    text = result.stdout
    if result.stderr.strip():
        text += ("\n" if text and not text.endswith("\n") else "") + result.stderr
    if not text.strip() and not result.output_truncated:
        return ""
    note = ""
    if result.output_truncated:
        note = '<p class="demo-note">The output was cut short here (over the DEMOS_OUTPUT_LIMIT setting).</p>'
    return (
        f'<div class="demo-output"><p class="demo-label">Output of <code>{escape(result.script)}</code></p>'
        f"<pre><samp>{escape(text.rstrip())}</samp></pre>{note}</div>"
    )


ESTIMATE_DIGITS = 2  # an estimate can be off by a factor of 2 to 3: no more digits than that
COUNTERS = {
    "RAPL": "RAPL counts the whole CPU package, so other processes running on it at the same time "
    "are included; the counter's unit is 1 microjoule",
    "NVML": "NVML counts the whole GPU, any process on it included; its counter is in millijoules "
    "and updates every 20-100 ms, so a short run reads coarsely",
}


def _cost_sentence(result: DemoResult) -> str:
    kind = result.energy.kind
    span = result.energy_range
    if kind == "measured" or span is None:
        joules, watt_hours = energy_text(result.energy_joules)
        counters = "; ".join(COUNTERS[name] for name in COUNTERS if name in result.method)
        return (
            f'<p class="demo-cost" data-energy-method="measured">Running this demo used '
            f"<strong>{joules}</strong> ({watt_hours}) of electricity, <strong>measured</strong> with "
            f"the machine's energy counter ({escape(result.method)}; {escape(counters)}). "
            f"With the grid's average carbon intensity that is about "
            f"<strong>{co2e_text(result.co2e_grams)}</strong>.</p>"
        )
    digits = ESTIMATE_DIGITS
    joules, watt_hours = energy_text(span.central_joules, digits)
    low, high = significant(span.low_joules, digits), significant(span.high_joules, digits)
    grams = result.co2e_grams
    low_g, high_g = _grams(result, span.low_joules), _grams(result, span.high_joules)
    led_seconds = span.central_joules / LED_BULB_WATTS
    text = (
        f'<p class="demo-cost" data-energy-method="{escape(kind)}">Running this demo used an '
        f"<strong>estimated {joules}</strong> ({watt_hours}; range {low} to {high} J) of electricity, "
        f"as much as a {LED_BULB_WATTS} W LED bulb uses in {significant(led_seconds, digits)} s, "
        f"and caused an estimated <strong>{co2e_text(grams, digits)}</strong> "
        f"(range {grouped(low_g * 1000, digits)} to {co2e_text(high_g, digits)}). "
    )
    if kind == "estimated":
        text += (
            "This is an <strong>estimate</strong> from the time the processor spent on it, "
            "not a meter reading."
        )
    else:
        estimated = significant(result.energy.estimated_part * (result.pue or 1), digits)
        text += (
            f"The processor's part ({estimated} J) is <strong>estimated</strong> from its CPU time; "
            f"the GPU's part was <strong>measured</strong> by its energy counter (NVML)."
        )
    return text + "</p>"


def _grams(result: DemoResult, joules_with_pue: float) -> float:
    """CO2e of an energy that already includes its PUE, at this build's intensity."""
    return joules_with_pue / JOULES_PER_KWH * result.intensity.g_per_kwh


def _details(result: DemoResult) -> str:
    intensity = result.intensity
    source = escape(intensity.label())
    if intensity.url:
        source = f'<a href="{escape(intensity.url)}">{source}</a>'
    kind = result.energy.kind
    span = result.energy_range
    kwh = result.energy_joules / JOULES_PER_KWH
    pue = f" x PUE {result.pue:g}" if result.pue else ""
    rows = [("Method", _method_text(result))]
    if span is not None and kind != "measured":
        rows.append((
            "Range",
            f"low end {significant(span.low_joules, ESTIMATE_DIGITS)} J: {escape(span.low_basis)}; "
            f"central {significant(span.central_joules, ESTIMATE_DIGITS)} J: {escape(span.central_basis)}; "
            f"high end {significant(span.high_joules, ESTIMATE_DIGITS)} J: {escape(span.high_basis)}",
        ))
        rows.append((
            "Memory term",
            "peak RSS (the most memory the demo's processes held), where Green Algorithms uses the "
            "memory allocated; the high end uses the allocation",
        ))
    counters = [f"{name}: {text}" for name, text in COUNTERS.items() if name in result.method]
    if counters:
        rows.append(("What the counter includes", escape("; ".join(counters))))
    rows += [
        ("Exact arithmetic (not significant)", escape(result.energy.formula)),
        ("Hardware", escape(result.energy.hardware)),
        (
            "Time and memory",
            f"{result.cpu_seconds:.3f} s of CPU time, {result.wall_seconds:.3f} s wall time, "
            f"{result.peak_rss_mb:.0f} MB peak RSS",
        ),
        ("Data-centre overhead", _pue_text(result)),
        ("Carbon intensity (operational)", source),
        (
            "Emissions, exact arithmetic (not significant)",
            f"{significant(kwh, 4)} kWh{pue} x {intensity.g_per_kwh:g} g/kWh = "
            f"{co2e_text(result.co2e_grams, 4)}",
        ),
        ("Not included", escape(result.energy.exclusions)),
        ("When and where", _provenance(result)),
        ("Software", _software(result)),
    ]
    items = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in rows)
    return (
        f'<details class="demo-details"><summary>How this was {escape(kind)}</summary>'
        f"<dl>{items}</dl></details>"
    )


def _method_text(result: DemoResult) -> str:
    kind = result.energy.kind
    if kind == "estimated":
        return (
            "estimated: no energy counter could be read on this machine, so the energy is worked out "
            "from the CPU time (Green Algorithms, Lannelongue et al. 2021)"
        )
    if kind == "measured":
        return f"measured: {escape(result.method)}, the difference of the counter before and after the run"
    return (
        f"{escape(result.method)}: the CPU and memory part is estimated from the CPU time (Green "
        "Algorithms); the GPU part is measured by its counter"
    )


def _pue_text(result: DemoResult) -> str:
    if result.pue:
        return f"PUE {result.pue:g} applied (DATACENTER_PUE setting)"
    return "PUE not applied: the machine's own energy only (set DATACENTER_PUE for a data centre)"


def _software(result: DemoResult) -> str:
    """Python and the packages the demo imports; those they loaded in turn come after."""

    def versions(names: Sequence[str]) -> str:
        return ", ".join(f"{escape(name)} {escape(result.packages[name])}" for name in names)

    text = f"Python {escape(result.python_version)}"
    own = sorted(name for name in result.demo_packages if name in result.packages)
    others = sorted(name for name in result.packages if name not in own)
    if own:
        text += f" with {versions(own)} (imported by the demo)"
        if others:
            text += f"; loaded by those in turn: {versions(others)}"
    elif others:
        text += f"; {versions(others)}"
    return text


def _provenance(result: DemoResult) -> str:
    try:
        when = datetime.fromisoformat(result.measured_at).strftime("%-d %B %Y, %H:%M UTC")
    except ValueError:
        when = result.measured_at
    text = f"run on {escape(when)}"
    if result.worker is not None:
        text += _worker(result.worker)
    else:
        text += f" in {escape(result.region)}" if result.region else " (region not recorded for this run)"
    if result.parallel_peers:
        others = "demo" if result.parallel_peers == 1 else "demos"
        text += f", beside {result.parallel_peers} other {others} running at the same time"
    if result.from_cache:
        text += "; shown from the cache (this build did not run it again)"
    return text


def _worker(worker: WorkerInfo) -> str:
    """Which Dask worker ran the demo, on what machine, in which region, with which versions."""
    region = (
        f"region {escape(worker.intensity.region)}"
        if worker.intensity
        else "no region set on the worker, so the build's carbon intensity is used"
    )
    text = (
        f" on Dask worker {escape(worker.name)} ({escape(worker.address)}), host {escape(worker.host)}, "
        f"CPU {escape(worker.cpu)}, {region}"
    )
    if worker.differences:
        text += f"; versions differ from the build's: {escape('; '.join(worker.differences))}"
    return text


def _source(script: str, source: str) -> str:
    return (
        f'<details class="demo-source"><summary>Source: <code>{escape(script)}</code></summary>'
        f'<pre><code class="language-python">{escape(source)}</code></pre></details>'
    )
