"""The `::: name argument` block directive that demos and widgets share.

    ::: demo demos/digits_energy.py
    caption: Accuracy against energy
    timeout: 120
    :::

A block is found before Markdown parses anything, so its line numbers are the
lines of the `.md` file, and every error can name the file and line.
"""

from __future__ import annotations

import contextvars
import html
import math
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NamedTuple

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from . import problems

# The Markdown file being read; set by source_reader around each read.
current_source = contextvars.ContextVar("current_source", default="<unknown>")

OPENING = re.compile(r"^:::\s*(?P<name>[A-Za-z][\w-]*)\s*(?P<argument>.*?)\s*$")
CLOSING = re.compile(r"^:::\s*$")
OPTION = re.compile(r"^\s*(?P<key>[A-Za-z][\w-]*)\s*:\s*(?P<value>.*?)\s*$")
# After NormalizeWhitespace (30), before Meta (27) strips the header lines,
# so indexes still match the file's lines.
BLOCK_PRIORITY = 28


def close_matches(word: str, possibilities: Iterable[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """difflib.get_close_matches, imported only when a typo needs a suggestion (not on every build)."""
    import difflib

    return difflib.get_close_matches(word, possibilities, n=n, cutoff=cutoff)


class Block(NamedTuple):
    name: str
    argument: str
    options: dict[str, str]
    source_path: str
    line: int
    option_lines: dict[str, int]  # option name -> its line


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
    if not 0 < number < math.inf:
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


def as_choice(*choices: str) -> Callable[[str], str]:
    """One of `choices` (case-insensitive), e.g. `figure-format: svg | png`."""

    def convert(value: str) -> str:
        if value.strip().lower() not in choices:
            close = close_matches(value.strip().lower(), choices, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ValueError(f"expected {' or '.join(choices)}, got {value!r}{hint}")
        return value.strip().lower()

    return convert


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
            close = close_matches(key, schema, n=1)
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
    argument = opening.group("argument") if opening else ""
    options: dict[str, str] = {}
    option_lines: dict[str, int] = {}
    index = start + 1
    while index < len(lines) and not CLOSING.match(lines[index]):
        text = lines[index]
        if text.strip():
            option = OPTION.match(text)
            if not option and not _closed_later(lines, index):
                # Prose after a block that was never closed: the mistake is at the opening line.
                raise DirectiveError(
                    source_path,
                    start + 1,
                    f"'::: {name}' block is never closed (line {index + 1} is text, not 'key: value'); "
                    "end the block with a line ':::' after its options",
                )
            if not option:
                raise DirectiveError(
                    source_path,
                    index + 1,
                    f"expected 'key: value' inside the '::: {name}' block, got {text.strip()!r}",
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
    return index, Block(name, argument, options, source_path, start + 1, option_lines)


def _closed_later(lines: list[str], index: int) -> bool:
    """Whether the next `:::` line after `index` closes a block (rather than opening one)."""
    for line in lines[index + 1 :]:
        if line.startswith(":::"):
            return bool(CLOSING.match(line))
    return False


FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})")
# A line that looks like a directive opener whose name is not a word: `:::demo`, `::: Demo`.
DIRECTIVE_LIKE = re.compile(r"^:::\s*(?P<name>\S+)")


class CodeFences:
    """Tracks fenced code blocks (``` and ~~~) so a `:::` line inside one stays code."""

    def __init__(self) -> None:
        self.open: str | None = None  # the fence that opened the current block

    def inside(self, line: str) -> bool:
        """Whether `line` belongs to a fenced block (its fences included); updates the state."""
        match = FENCE.match(line)
        if self.open is None:
            if match:
                self.open = match.group("fence")
                return True
            return False
        fence = match.group("fence") if match else ""
        if (
            fence
            and fence[0] == self.open[0]
            and len(fence) >= len(self.open)
            and not line[match.end() :].strip()
        ):
            self.open = None
        return True


class DirectivePreprocessor(Preprocessor):
    """Replaces every `::: name` block by the HTML its handler returns.

    One preprocessor for all directives, so a name no plugin registered is an
    error with "did you mean" rather than text that silently stays in the page.
    """

    def __init__(self, md: Markdown, handlers: dict[str, Callable[[Block, Markdown], str]]) -> None:
        super().__init__(md)
        self.handlers = handlers

    def run(self, lines: list[str]) -> list[str]:
        if not any(line.startswith(":::") for line in lines if line[:1] == ":"):
            return lines  # most posts have no directive: no walk over their fences
        source_path = current_source.get()
        output: list[str] = []
        fences = CodeFences()
        index = 0
        while index < len(lines):
            line = lines[index]
            if fences.inside(line) or not line.startswith(":::") or CLOSING.match(line):
                output.append(line)
                index += 1
                continue
            try:
                name = self._directive_name(line, source_path, index + 1)
                end, block = read_block(lines, index, name, source_path)
            except DirectiveError as error:
                # Show the error where the block starts and keep every following line.
                output.extend(["", self._stash_error(error), ""])
                index += 1
                continue
            # Blank lines around keep the block out of any paragraph.
            output.extend(["", self._render(block), ""])
            index = end + 1
        return output

    def _directive_name(self, line: str, source_path: str, number: int) -> str:
        opening = OPENING.match(line)
        written = opening.group("name") if opening else DIRECTIVE_LIKE.match(line).group("name")
        if opening and written in self.handlers:
            return written
        known = sorted(self.handlers)
        close = close_matches(written.lower(), known, n=1, cutoff=0.5)
        hint = f"did you mean '::: {close[0]}'?" if close else "is its plugin missing from PLUGINS?"
        raise DirectiveError(
            source_path,
            number,
            f"unknown directive '::: {written}'; {hint} Known directives: "
            f"{', '.join(known) or 'none'}. To show a directive as text, put it in a code block.",
        )

    def _render(self, block: Block) -> str:
        try:
            return self.md.htmlStash.store(self.handlers[block.name](block, self.md))
        except DirectiveError as error:
            return self._stash_error(error)

    def _stash_error(self, error: DirectiveError) -> str:
        problems.report(error.path, error.line, error.message)
        return self.md.htmlStash.store(error_box(error))


class DirectivesExtension(Extension):
    """The `:::` blocks of every plugin: `handlers` maps a directive's name to its handler."""

    def __init__(self, **kwargs: Any) -> None:
        self.handlers: dict[str, Callable[[Block, Markdown], str]] = {}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.preprocessors.register(DirectivePreprocessor(md, self.handlers), "directives", BLOCK_PRIORITY)


def add_directive(settings: dict, name: str, handler: Callable[[Block, Markdown], str]) -> None:
    """Register `::: name` in Pelican's MARKDOWN settings (one shared extension for all)."""
    extensions = settings.setdefault("MARKDOWN", {}).setdefault("extensions", [])
    extension = next((ext for ext in extensions if isinstance(ext, DirectivesExtension)), None)
    if extension is None:
        extension = DirectivesExtension()
        extensions.append(extension)
    extension.handlers[name] = handler


def relative_to_project(path: str | Path, root: Path) -> str:
    """Show paths the way an author typed them, relative to the project when possible."""
    try:
        return str(Path(path).resolve().relative_to(root))
    except ValueError:
        return str(path)
