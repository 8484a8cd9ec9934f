"""The `::: demo` block: checks it and leaves a placeholder; nothing runs here.

    ::: demo demos/digits_energy.py
    caption: Accuracy against energy for growing networks
    timeout: 60
    memory: 1024
    data: demos/data/extra.csv, demos/data/labels.csv
    show-source: true
    allow-error: false
    figure-format: svg
    :::

The placeholder (plugin_core.placeholders) carries the whole request, so the
demos can all run once, after every post was read (in parallel if asked), and
even a post that Pelican took from its own content cache still finds its demo.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from markdown import Markdown
from plugin_core import placeholders, read_cache
from plugin_core.directives import (
    Block,
    DirectiveError,
    as_bool,
    as_choice,
    as_path_list,
    as_positive_float,
    as_positive_int,
    as_text,
    close_matches,
    parse_options,
)

from .results import FIGURE_FORMATS, DemoRequest

MAX_TIMEOUT_SECONDS = 86_400  # as DEMOS_TIMEOUT: a demo that may run for ever holds the build


def as_timeout(value: str) -> float:
    """Seconds, more than 0 and at most a day: `inf`, `nan` and `0` are refused."""
    seconds = as_positive_float(value)
    if seconds > MAX_TIMEOUT_SECONDS:
        raise ValueError(f"expected at most {MAX_TIMEOUT_SECONDS} seconds, got {value!r}")
    return seconds


SCHEMA = {
    "caption": as_text,
    "timeout": as_timeout,
    "memory": as_positive_int,
    "data": as_path_list,
    "show-source": as_bool,
    "allow-error": as_bool,
    "figure-format": as_choice(*FIGURE_FORMATS),
}
KIND = "demo"  # the placeholders' kind


def make_handler(root: Callable[[], Path]) -> Callable[[Block, Markdown], str]:
    """The `::: demo` handler; paths are relative to `root()`, the project folder of this build."""

    def handle(block: Block, md: Markdown) -> str:
        return placeholders.encode(KIND, parse_request(block, root())._asdict())

    return handle


def parse_request(block: Block, root: Path) -> DemoRequest:
    if not block.argument:
        raise DirectiveError(
            block.source_path,
            block.line,
            "'::: demo' needs the demo's path, e.g. '::: demo demos/digits_energy.py'",
        )
    options = parse_options(block, SCHEMA)
    script = _existing_file(block.argument, root, block.source_path, block.line, "demo script")
    if not script.endswith(".py"):
        raise DirectiveError(block.source_path, block.line, f"demo '{script}' is not a Python script (.py)")
    data_line = block.option_lines.get("data", block.line)
    data = tuple(
        _existing_file(path, root, block.source_path, data_line, "data file")
        for path in options.get("data", [])
    )
    return DemoRequest(
        script=script,
        post=block.source_path,
        line=block.line,
        caption=options.get("caption", ""),
        timeout=options.get("timeout"),
        memory_mb=options.get("memory"),
        data=data,
        allow_error=options.get("allow-error", False),
        show_source=options.get("show-source", False),
        figure_format=options.get("figure-format", FIGURE_FORMATS[0]),
    )


def _existing_file(written: str, root: Path, post: str, line: int, what: str) -> str:
    """The path normalised relative to `root`; a DirectiveError with a suggestion if missing."""
    path = (root / written.strip()).resolve()
    try:
        relative = path.relative_to(root).as_posix()
    except ValueError:
        raise DirectiveError(post, line, f"{what} '{written}' is outside the project folder {root}") from None
    if path.is_file():
        read_cache.note_found(path)
        return relative
    folder = path.parent
    candidates = [p.name for p in folder.iterdir() if p.is_file()] if folder.is_dir() else []
    close = close_matches(path.name, candidates, n=1)
    hint = (
        f"did you mean '{Path(relative).parent.as_posix()}/{close[0]}'?"
        if close
        else "check the path; it is relative to the project folder"
    )
    raise DirectiveError(post, line, f"{what} '{written}' not found; {hint}")


def requests_in(html: str) -> list[DemoRequest]:
    """The demo requests a page's placeholders carry, in page order."""
    return [request_from(payload) for payload in placeholders.find(KIND, html)]


def request_from(payload: dict) -> DemoRequest:
    return DemoRequest(**{**payload, "data": tuple(payload["data"])})
