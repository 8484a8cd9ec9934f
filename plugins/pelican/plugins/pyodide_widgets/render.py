"""The HTML of a widget: explanation, static result, and the hidden live controls.

Without JavaScript (and in feeds) a reader sees the explanation and the result
computed at build time for a sample input.  The loader unhides the part between
the ``<!--pw-live-->`` markers (plugin_core.feed_html); feeds and emails replace
that part with a link.
No Pelican import here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape

from plugin_core.feed_html import LIVE_END, LIVE_START


@dataclass(frozen=True)
class WidgetView:
    """Everything the HTML of one widget shows; built by the plugin, rendered here."""

    dom_id: str
    name: str
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
    download_hint: str  # e.g. "about 5.5 MB", or "" when unknown
    runtime: str = "pyodide"  # the loader starts this runtime's worker


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def render_probabilities(result: dict) -> str:
    """A list of labels with a bar and a percentage (the loader draws the same list live)."""
    items = []
    for item in result["probabilities"]:
        pct = f"{round(item['p'] * 100)}%"
        items.append(
            f'<li><span class="pw-label">{escape(item["label"])}</span>'
            f'<span class="pw-bar" aria-hidden="true"><span style="width:{pct}"></span></span>'
            f'<span class="pw-pct">{pct}</span></li>'
        )
    return f'<ul class="pw-probs">{"".join(items)}</ul>'


def render_result(summary: str, result: dict) -> str:
    return f'<p class="pw-summary">{escape(summary)}</p>{render_probabilities(result)}'


def _static_grid(spec: dict, pixels: list, label: str) -> str:
    cells = "".join(f'<span class="{"on" if value else "off"}"></span>' for value in pixels)
    return (
        f'<div class="pw-sample-grid" style="--cols:{spec["cols"]}" role="img" '
        f'aria-label="{_attr(label)}">{cells}</div>'
    )


def _static_values(spec: dict, values: list) -> str:
    rows = "".join(
        f"<dt>{escape(field['label'])}</dt><dd>{value:.1f} {escape(field['unit'])}</dd>"
        for field, value in zip(spec["fields"], values, strict=True)
    )
    return f'<dl class="pw-sample-values">{rows}</dl>'


def render_static(view: WidgetView) -> str:
    """The build-time result for the sample input: what no-JS readers and feeds get."""
    if view.input_spec["kind"] == "grid":
        sample = _static_grid(view.input_spec, view.sample, f"Sample drawing: {view.sample_note}")
    else:
        sample = _static_values(view.input_spec, view.sample)
    return (
        '<div class="pw-static">'
        '<p class="pw-static-note">Computed when this page was built, '
        f"for a sample input ({escape(view.sample_note)}):</p>"
        f'{sample}<div class="pw-static-result" data-pw-result="{_attr(json.dumps(view.result))}">'
        f"{render_result(view.summary, view.result)}</div></div>"
    )


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
            f'<output for="{control}">{value:.1f} {escape(field["unit"])}</output></div>'
        )
    return "".join(rows)


def render_live(view: WidgetView) -> str:
    """Controls the loader reveals: input, the button, progress, live result, cost."""
    inputs = _grid_input(view) if view.input_spec["kind"] == "grid" else _slider_input(view)
    note = (
        f"The first run downloads {view.download_hint} of Python for the browser. "
        if view.download_hint
        else ""
    )
    note += "The model runs in your browser: nothing you draw or choose leaves your device."
    return (
        f'{LIVE_START}<div class="pw-live" hidden><div class="pw-input">{inputs}</div>'
        f'<p class="pw-run-row"><button type="button" class="pw-run">Run on my device</button></p>'
        f'<p class="pw-note">{escape(note)}</p>'
        '<div class="pw-progress" hidden><progress aria-label="Loading"></progress> '
        '<span class="pw-stage"></span></div>'
        '<div class="pw-output" aria-live="polite"></div>'
        '<p class="pw-error" role="alert"></p><p class="pw-cost" hidden></p></div>'
        f"{LIVE_END}"
    )


def render_widget(view: WidgetView) -> str:
    """The whole widget; the loader finds it by ``data-pw-name``."""
    caption = (
        f"<figcaption>{escape(view.title)}{': ' + escape(view.caption) if view.caption else ''}</figcaption>"
    )
    return (
        f'<figure class="pw-widget" id="{view.dom_id}" data-pw-name="{_attr(view.name)}" '
        f'data-pw-kind="{_attr(view.input_spec["kind"])}" data-pw-code="{_attr(view.code_url)}" '
        f'data-pw-weights="{_attr(view.weights_url)}" data-pw-runtime="{_attr(view.runtime)}">{caption}'
        f'<p class="pw-explain">{escape(view.explanation)}</p>{render_static(view)}{render_live(view)}'
        "<noscript><p>Turn on JavaScript to run this model on your own device.</p></noscript></figure>"
    )


def render_broken(name: str, message: str) -> str:
    """Stands where a widget could not be built; the build also fails through newsletter.problems."""
    return (
        f'<div class="build-error" role="alert"><p><strong>Build error in widget {escape(name)}</strong></p>'
        f"<pre>{escape(message)}</pre></div>"
    )
