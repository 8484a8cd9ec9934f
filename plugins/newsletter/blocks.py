"""The `::: name argument` block directive shared by demos and widgets.

    ::: demo demos/digits_energy.py
    caption: Accuracy against energy
    timeout: 120
    :::

A block is found before Markdown parses anything, so its line numbers are the
lines of the `.md` file, and every error can name the file and line.
"""

from __future__ import annotations

import contextvars
import difflib
import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from . import problems

# The Markdown file being read; set by newsletter.reader around each read.
current_source = contextvars.ContextVar("current_source", default="<unknown>")

OPENING = re.compile(r"^:::\s*(?P<name>[A-Za-z][\w-]*)\s*(?P<argument>.*?)\s*$")
CLOSING = re.compile(r"^:::\s*$")
OPTION = re.compile(r"^\s*(?P<key>[A-Za-z][\w-]*)\s*:\s*(?P<value>.*?)\s*$")
# After NormalizeWhitespace (30), before Meta (27) strips the header lines,
# so indexes still match the file's lines.
BLOCK_PRIORITY = 28


@dataclass(frozen=True)
class Block:
    name: str
    argument: str
    options: dict[str, str]
    source_path: str
    line: int
    option_lines: dict[str, int] = field(default_factory=dict)


class DirectiveError(Exception):
    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


# --- option converters: each takes the text and returns a value or raises ValueError ---


def as_text(value: str) -> str:
    if not value:
        raise ValueError("needs a value")
    return value


def as_bool(value: str) -> bool:
    lowered = value.lower()
    if lowered in ("true", "yes", "on", "1"):
        return True
    if lowered in ("false", "no", "off", "0"):
        return False
    raise ValueError(f"expected true or false, got {value!r}")


def as_positive_float(value: str) -> float:
    try:
        number = float(value.removesuffix("s").strip())
    except ValueError:
        raise ValueError(f"expected a positive number, got {value!r}") from None
    if not number > 0:
        raise ValueError(f"expected a positive number, got {value!r}")
    return number


def as_positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"expected a positive whole number, got {value!r}") from None
    if number <= 0:
        raise ValueError(f"expected a positive whole number, got {value!r}")
    return number


def as_path_list(value: str) -> list[str]:
    paths = [part.strip() for part in value.split(",") if part.strip()]
    if not paths:
        raise ValueError("expected one or more paths separated by commas")
    return paths


def parse_options(
    block: Block,
    schema: dict[str, Callable[[str], Any]],
    required: Iterable[str] = (),
) -> dict[str, Any]:
    """Convert a block's options by `schema`; unknown or bad options raise DirectiveError."""
    values: dict[str, Any] = {}
    for key, text in block.options.items():
        line = block.option_lines.get(key, block.line)
        if key not in schema:
            close = difflib.get_close_matches(key, schema, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"known options: {', '.join(sorted(schema))}"
            raise DirectiveError(
                block.source_path, line, f"unknown option '{key}' in '::: {block.name}' block; {hint}"
            )
        try:
            values[key] = schema[key](text)
        except ValueError as error:
            raise DirectiveError(block.source_path, line, f"option '{key}': {error}") from None
    for key in required:
        if key not in values:
            raise DirectiveError(
                block.source_path, block.line, f"'::: {block.name}' block needs the option '{key}: ...'"
            )
    return values


def error_box(error: DirectiveError) -> str:
    """A visible box that stands where a broken block was, so the post still builds."""
    return (
        '<div class="build-error" role="alert"><p><strong>Build error</strong></p>'
        f"<pre>{html.escape(str(error))}</pre></div>"
    )


def read_block(lines: list[str], start: int, name: str, source_path: str) -> tuple[int, Block]:
    """Read the block opened at `lines[start]`; return the index of its closing line and the block."""
    opening = OPENING.match(lines[start])
    assert opening is not None and opening.group("name") == name
    options: dict[str, str] = {}
    option_lines: dict[str, int] = {}
    index = start + 1
    while index < len(lines) and not CLOSING.match(lines[index]):
        text = lines[index]
        if text.strip():
            option = OPTION.match(text)
            if not option:
                raise DirectiveError(
                    source_path,
                    index + 1,
                    f"expected 'key: value' inside the '::: {name}' block, got {text.strip()!r}; "
                    "is a closing ':::' line missing?",
                )
            key = option.group("key").lower()
            if key in options:
                raise DirectiveError(source_path, index + 1, f"option '{key}' is given twice")
            options[key] = option.group("value")
            option_lines[key] = index + 1
        index += 1
    if index >= len(lines):
        raise DirectiveError(
            source_path, start + 1, f"'::: {name}' block is never closed; end it with a line ':::'"
        )
    return index, Block(name, opening.group("argument"), options, source_path, start + 1, option_lines)


def is_opening(line: str, name: str) -> bool:
    opening = OPENING.match(line)
    return bool(opening) and opening.group("name") == name


class BlockPreprocessor(Preprocessor):
    def __init__(self, md: Markdown, name: str, handler: Callable[[Block, Markdown], str]) -> None:
        super().__init__(md)
        self.name = name
        self.handler = handler

    def run(self, lines: list[str]) -> list[str]:
        source_path = current_source.get()
        output: list[str] = []
        index = 0
        while index < len(lines):
            if not is_opening(lines[index], self.name):
                output.append(lines[index])
                index += 1
                continue
            try:
                end, block = read_block(lines, index, self.name, source_path)
            except DirectiveError as error:
                # Show the error where the block starts and keep every following line.
                output.extend(["", self._stash_error(error), ""])
                index += 1
                continue
            # Blank lines around keep the block out of any paragraph.
            output.extend(["", self._render(block), ""])
            index = end + 1
        return output

    def _render(self, block: Block) -> str:
        try:
            return self.md.htmlStash.store(self.handler(block, self.md))
        except DirectiveError as error:
            return self._stash_error(error)

    def _stash_error(self, error: DirectiveError) -> str:
        problems.report(error.path, error.line, error.message)
        return self.md.htmlStash.store(error_box(error))


class BlockExtension(Extension):
    """Registers a `::: name` block whose HTML comes from `handler(block, md)`."""

    def __init__(self, name: str, handler: Callable[[Block, Markdown], str], **kwargs: Any) -> None:
        self.name = name
        self.handler = handler
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.preprocessors.register(
            BlockPreprocessor(md, self.name, self.handler), f"{self.name}_block", BLOCK_PRIORITY
        )


def relative_to_project(path: str | Path, root: Path) -> str:
    """Show paths the way an author typed them, relative to the project when possible."""
    try:
        return str(Path(path).resolve().relative_to(root))
    except ValueError:
        return str(path)
