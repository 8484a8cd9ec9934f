"""The HTML of one demo, for the page and the feed (no scripts, readable without CSS).

A short plain-language sentence comes first; the method, formula, hardware,
times, carbon intensity and its source, exclusions, versions and date sit one
click away in a <details> element. Everything the demo printed is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from plugin_core.carbon import JOULES_PER_KWH
from plugin_core.demo_link import DemoFailure, DemoResult
from plugin_core.numbers import significant

from .figures import display_size

LED_BULB_WATTS = 10


def energy_text(joules: float) -> tuple[str, str]:
    """('12.3 J', '0.00342 Wh'): three significant figures each."""
    return f"{significant(joules)} J", f"{significant(joules / 3600)} Wh"


def co2e_text(grams: float) -> str:
    if grams >= 1:
        return f"{significant(grams)} g CO\u2082e"
    return f"{significant(grams * 1000)} mg CO\u2082e"


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


def _cost_sentence(result: DemoResult) -> str:
    joules, watt_hours = energy_text(result.energy_joules)
    led_seconds = result.energy_joules / LED_BULB_WATTS
    estimated = result.method.startswith("estimate")
    if estimated:
        how = (
            "This is an <strong>estimate</strong> from the time the processor spent on it, "
            "not a meter reading."
        )
    else:
        how = (
            f"This was <strong>measured</strong> with the machine's energy counter ({escape(result.method)})."
        )
    return (
        f'<p class="demo-cost">Running this demo used {"an estimated " if estimated else ""}'
        f"<strong>{joules}</strong> ({watt_hours}) of "
        f"electricity, as much as a {LED_BULB_WATTS} W LED bulb uses in {significant(led_seconds, 2)} s, "
        f"and caused about <strong>{co2e_text(result.co2e_grams)}</strong> of emissions. {how}</p>"
    )


def _details(result: DemoResult) -> str:
    intensity = result.intensity
    source = escape(intensity.source)
    if intensity.url:
        source = f'<a href="{escape(intensity.url)}">{source}</a>'
    kwh = result.energy_joules / JOULES_PER_KWH
    pue = f" x PUE {result.pue:g}" if result.pue else ""
    method = escape(result.method)
    if result.method.startswith("estimate"):
        method += " (no CPU energy counter could be read on this machine, so the energy is worked out below)"
    rows = [
        ("Method", method),
        ("Formula", escape(result.energy.formula)),
        ("Hardware", escape(result.energy.hardware)),
        (
            "Time and memory",
            f"{result.cpu_seconds:.3f} s of CPU time, {result.wall_seconds:.3f} s wall time, "
            f"{result.peak_rss_mb:.0f} MB peak memory",
        ),
        (
            "Carbon intensity",
            f"{intensity.g_per_kwh:g} g CO\u2082e per kWh ({escape(intensity.region)}, "
            f"{escape(str(intensity.year))}); source: {source}",
        ),
        (
            "Emissions",
            f"{significant(kwh)} kWh{pue} x {intensity.g_per_kwh:g} g/kWh = {co2e_text(result.co2e_grams)}",
        ),
    ]
    if result.pue:
        rows.append(("Data-centre overhead", f"PUE {result.pue:g} (DATACENTER_PUE setting) is included"))
    rows.append(("Not included", escape(result.energy.exclusions)))
    rows.append(("When and where", _provenance(result)))
    rows.append(("Software", _software(result)))
    items = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in rows)
    return f'<details class="demo-details"><summary>How this was measured</summary><dl>{items}</dl></details>'


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
    if result.parallel_peers:
        others = "demo" if result.parallel_peers == 1 else "demos"
        text += f", measured beside {result.parallel_peers} other {others} running at the same time"
    if result.from_cache:
        text += "; shown from the cache (this build did not run it again)"
    return text


def _source(script: str, source: str) -> str:
    return (
        f'<details class="demo-source"><summary>Source: <code>{escape(script)}</code></summary>'
        f'<pre><code class="language-python">{escape(source)}</code></pre></details>'
    )
