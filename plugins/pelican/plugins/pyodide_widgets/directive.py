"""The ``::: widget <name>`` block: validates it and leaves a placeholder.

    ::: widget digits
    model: demos/widget_digits.py
    caption: A logistic regression trained at build time
    runtime: micropython
    :::

The model's weights only exist once the measured demos have run (after every
post is read), so the block becomes a placeholder (plugin_core.placeholders)
holding its options; the plugin fills it in its content step.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from markdown import Markdown
from plugin_core import placeholders, read_cache
from plugin_core.directives import Block, DirectiveError, as_text, close_matches, parse_options

from . import widget_modules
from .settings import RUNTIMES

KIND = "widget"  # the placeholders' kind


def as_runtime(value: str) -> str:
    if value not in RUNTIMES:
        raise ValueError(f"expected {' or '.join(RUNTIMES)}, got {value!r}")
    return value


SCHEMA = {"model": as_text, "caption": as_text, "artifact": as_text, "runtime": as_runtime}
DEFAULT_ARTIFACT = "weights.json"


class WidgetRequest(NamedTuple):
    """What an author asked for, with where they asked it (for error messages)."""

    name: str
    model: str
    caption: str
    artifact: str
    source_path: str
    line: int
    runtime: str = ""  # "" until the site's default (WIDGETS_RUNTIME) is applied

    def placeholder(self) -> str:
        return placeholders.encode(KIND, self._asdict())


def check_block(block: Block, widgets_path: Path) -> WidgetRequest:
    """Validate a block against the widget modules on disk; raise DirectiveError naming file:line."""
    options = parse_options(block, SCHEMA, required=("model",))
    name = block.argument.strip()
    known = widget_modules.available(widgets_path)
    if not name:
        raise DirectiveError(
            block.source_path, block.line, f"'::: widget' needs a widget name; known: {', '.join(known)}"
        )
    if name not in known:
        close = close_matches(name, known, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise DirectiveError(
            block.source_path,
            block.line,
            f"no widget '{name}' in {widgets_path}; {hint}known widgets: {', '.join(known) or 'none'}",
        )
    read_cache.note_found(widget_modules.module_path(widgets_path, name))
    model = options["model"]
    if not model.endswith(".py"):
        raise DirectiveError(
            block.source_path,
            block.option_lines.get("model", block.line),
            f"option 'model': expected the training demo script (a .py file), got {model!r}",
        )
    return WidgetRequest(
        name=name,
        model=model,
        caption=options.get("caption", ""),
        artifact=options.get("artifact", DEFAULT_ARTIFACT),
        source_path=block.source_path,
        line=block.line,
        runtime=options.get("runtime", ""),
    )


def make_handler(widgets_path: Callable[[], Path]) -> Callable[[Block, Markdown], str]:
    """The `::: widget` handler: checks the block, returns its placeholder."""

    def handle(block: Block, md: Markdown) -> str:
        return check_block(block, widgets_path()).placeholder()

    return handle
