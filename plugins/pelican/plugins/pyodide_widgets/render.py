"""The HTML of a widget: explanation, sample input, one result area, hidden live controls.

Without JavaScript (and in feeds) a reader sees the explanation, the sample
input and the result computed at build time, labelled as such; all of it reads
correctly without CSS (text, not boxes). The loader unhides the part between
the ``<!--pw-live-->`` markers and, once the model runs, replaces the result
area's content with the live result (loader.mjs draws the same HTML);
feeds and emails replace the live part with a link
(plugin_core.feed_html). No Pelican import here.
"""

from __future__ import annotations

import json
from html import escape
from typing import NamedTuple

from plugin_core.feed_html import LIVE_END, LIVE_START

BUILD_LABEL = "Computed when this page was built, for the sample input:"
# Darkness levels for text pictures (the loader uses the same characters).
SHADES = "·░▒▓█"


class WidgetView(NamedTuple):
    """Everything the HTML of one widget shows; built by the plugin, rendered here."""

    dom_id: str
    name: str
    runtime: str
    title: str
    explanation: str
    caption: str
    input_spec: dict
    sample: list
    sample_note: str
    result: dict
    summary: str
    code_url: str  # site-root-relative
    weights_url: str  # site-root-relative
    download_bytes: int | None  # what the first run transfers, compressed; None when unknown


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def format_bytes(count: int) -> str:
    """As the Footprint page writes them: 6.1 kB, 3.31 MB (1 kB = 1,000 bytes)."""
    if count < 1000:
        return f"{count} B"
    if count < 1_000_000:
        return f"{count / 1000:.1f} kB"
    return f"{count / 1_000_000:.2f} MB"


def text_picture(values: list[float], cols: int, top: float = 1.0) -> str:
    """Rows of shade characters (two per cell, so cells look square): an image that needs no CSS."""
    last = len(SHADES) - 1
    rows = []
    for start in range(0, len(values), cols):
        row = values[start : start + cols]
        rows.append("".join(SHADES[min(last, round(last * max(0.0, v) / top))] * 2 for v in row))
    return "\n".join(rows)


def render_picture(image: dict, label: str, css_class: str) -> str:
    picture = text_picture(image["values"], image["cols"], image.get("max", 1.0))
    return f'<pre class="{css_class}" role="img" aria-label="{_attr(label)}">{escape(picture)}</pre>'


def render_probabilities(result: dict) -> str:
    """Label, percentage, bar: reads "0: 5%" as plain text (feeds, no CSS)."""
    items = []
    for item in result["probabilities"]:
        pct = f"{round(item['p'] * 100)}%"
        items.append(
            f'<li><span class="pw-label">{escape(item["label"])}</span>: '
            f'<span class="pw-pct">{pct}</span>'
            f'<span class="pw-bar" aria-hidden="true"><span style="width:{pct}"></span></span></li>'
        )
    return f'<ul class="pw-probs">{"".join(items)}</ul>'


def render_result(label: str, summary: str, result: dict) -> str:
    """The inside of the result area; the loader builds the same for a live result."""
    seen = ""
    if result.get("image"):
        image = result["image"]
        seen = (
            f'<div class="pw-seen"><p>What the model sees ({image["rows"]} by {image["cols"]}):</p>'
            f"{render_picture(image, 'The image the model sees', 'pw-picture')}</div>"
        )
    return (
        f'<p class="pw-result-label">{escape(label)}</p>'
        f'<p class="pw-summary">{escape(summary)}</p>{seen}{render_probabilities(result)}'
    )


def _static_values(spec: dict, values: list) -> str:
    rows = "".join(
        f"<dt>{escape(field['label'])}</dt><dd>{value:g} {escape(field['unit'])}</dd>"
        for field, value in zip(spec["fields"], values, strict=True)
    )
    return f'<dl class="pw-sample-values">{rows}</dl>'


def render_sample(view: WidgetView) -> str:
    """The sample input as text, for readers without JavaScript (the loader hides it: controls show it)."""
    spec = view.input_spec
    if spec["kind"] == "grid":
        image = {"values": view.sample, "cols": spec["cols"]}
        shown = render_picture(image, f"Sample drawing: {view.sample_note}", "pw-picture")
    else:
        shown = _static_values(spec, view.sample)
    return f'<div class="pw-sample"><p>The sample input: {escape(view.sample_note)}.</p>{shown}</div>'


def _grid_input(view: WidgetView) -> str:
    spec = view.input_spec
    cells = []
    for index, value in enumerate(view.sample):
        row, col = divmod(index, spec["cols"])
        cells.append(
            f'<button type="button" class="pw-cell" aria-pressed="{"true" if value else "false"}" '
            f'aria-label="Row {row + 1}, column {col + 1}" tabindex="{0 if index == 0 else -1}"></button>'
        )
    return (
        f'<p class="pw-hint" id="{view.dom_id}-hint">Draw with the mouse or a finger, or use the arrow keys '
        "to move and Space or Enter to fill or clear a square.</p>"
        f'<div class="pw-grid" role="group" aria-label="{_attr(spec["label"])}" '
        f'aria-describedby="{view.dom_id}-hint" data-cols="{spec["cols"]}" style="--cols:{spec["cols"]}">'
        f'{"".join(cells)}</div><button type="button" class="pw-clear">Clear the grid</button>'
    )


def _slider_input(view: WidgetView) -> str:
    rows = []
    for field, value in zip(view.input_spec["fields"], view.sample, strict=True):
        control = f"{view.dom_id}-{field['name']}"
        rows.append(
            f'<div class="pw-slider"><label for="{control}">{escape(field["label"])}</label>'
            f'<input type="range" id="{control}" min="{field["min"]}" max="{field["max"]}" '
            f'step="{field["step"]}" value="{value}" data-unit="{_attr(field["unit"])}">'
            f'<output for="{control}">{value:g} {escape(field["unit"])}</output></div>'
        )
    return "".join(rows)


def render_live(view: WidgetView) -> str:
    """Controls the loader reveals: input, the button, progress, note, errors."""
    inputs = _grid_input(view) if view.input_spec["kind"] == "grid" else _slider_input(view)
    note = (
        f"The first run downloads {format_bytes(view.download_bytes)} (compressed) of Python "
        "for the browser. "
        if view.download_bytes
        else ""
    )
    note += "The model runs in your browser: nothing you draw or choose leaves your device."
    return (
        f'{LIVE_START}<div class="pw-live" hidden><div class="pw-input">{inputs}</div>'
        f'<p class="pw-run-row"><button type="button" class="pw-run">Run on my device</button></p>'
        '<div class="pw-progress" hidden><progress max="4" value="0" aria-hidden="true"></progress> '
        '<span class="pw-stage" role="status"></span></div>'
        f'<p class="pw-note">{escape(note)}</p><p class="pw-error" role="alert"></p></div>{LIVE_END}'
    )


def render_widget(view: WidgetView) -> str:
    """The whole widget; the loader finds it by ``data-pw-name``."""
    caption = (
        f"<figcaption>{escape(view.title)}{': ' + escape(view.caption) if view.caption else ''}</figcaption>"
    )
    download = f' data-pw-download="{view.download_bytes}"' if view.download_bytes else ""
    return (
        f'<figure class="pw-widget" id="{view.dom_id}" data-pw-name="{_attr(view.name)}" '
        f'data-pw-runtime="{_attr(view.runtime)}" data-pw-kind="{_attr(view.input_spec["kind"])}" '
        f'data-pw-code="{_attr(view.code_url)}" data-pw-weights="{_attr(view.weights_url)}"{download}>'
        f'{caption}<p class="pw-explain">{escape(view.explanation)}</p>'
        f"{render_sample(view)}{render_live(view)}"
        f'<div class="pw-result" aria-live="polite" data-pw-source="build" '
        f'data-pw-result="{_attr(json.dumps(view.result))}">'
        f"{render_result(BUILD_LABEL, view.summary, view.result)}</div>"
        '<p class="pw-cost" hidden></p>'
        "<noscript><p>Turn on JavaScript to run this model on your own device.</p></noscript></figure>"
    )


def render_broken(name: str, message: str) -> str:
    """Stands where a widget could not be built; the build also fails through plugin_core.problems."""
    return (
        f'<div class="build-error" role="alert"><p><strong>Build error in widget {escape(name)}</strong></p>'
        f"<pre>{escape(message)}</pre></div>"
    )
