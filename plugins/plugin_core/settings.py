"""One way for every plugin to read its settings from Pelican's.

Each plugin lists its settings once, as `Setting`s: name, default, and a check
that turns the user's value into the plugin's (or raises ValueError saying what
form is expected). `read()` merges the user's values over the defaults without
writing anything back, checks each once per build, and reports a bad value as
a content error that names the setting, the value and the expected form; the
build goes on with the default and fails at the end. Never a traceback.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from . import problems

Check = Callable[[Any], Any]


class Setting(NamedTuple):
    name: str
    default: Any
    check: Check
    environment: bool = False  # also read from the environment variable of the same name


def read(
    settings: Mapping[str, Any],
    specs: Sequence[Setting],
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The checked value of every setting in `specs`, by name (defaults for bad values)."""
    values: dict[str, Any] = {}
    for spec in specs:
        raw = settings.get(spec.name, spec.default)
        source = "setting"
        if spec.environment and environ is not None and environ.get(spec.name):
            raw, source = environ[spec.name], "environment variable"
        try:
            values[spec.name] = spec.check(raw)
        except (ValueError, TypeError) as error:
            problems.report(
                "settings",
                None,
                f"{source} {spec.name} = {raw!r} is not valid: expected {error}; "
                f"using the default {spec.default!r}. Fix it in pelicanconf.py (or publishconf.py).",
            )
            values[spec.name] = spec.check(spec.default)
    return values


# --- checks: each returns the value in the plugin's form or raises ValueError(expected form) ---


def number(
    minimum: float = -math.inf, maximum: float = math.inf, *, whole: bool = False, above: bool = False
) -> Check:
    """A finite number in [minimum, maximum] (or > minimum with `above`)."""
    kind = "a whole number" if whole else "a number"
    bound = f"> {minimum:g}" if above else (f">= {minimum:g}" if minimum > -math.inf else "")
    if maximum < math.inf:
        bound = f"{bound} and <= {maximum:g}" if bound else f"<= {maximum:g}"
    expected = f"{kind} {bound}".strip()

    def check(value: Any) -> float | int:
        if isinstance(value, bool) or value is None:
            raise ValueError(expected)
        if isinstance(value, str):
            try:
                value = float(value) if not whole else int(value)
            except ValueError:
                raise ValueError(expected) from None
        if not isinstance(value, int | float) or not math.isfinite(value):
            raise ValueError(expected)
        if whole and value != int(value):
            raise ValueError(expected)
        if value < minimum or value > maximum or (above and value <= minimum):
            raise ValueError(expected)
        return int(value) if whole else float(value)

    return check


def optional(check: Check) -> Check:
    """None, or what `check` accepts."""

    def checked(value: Any) -> Any:
        return None if value is None else check(value)

    return checked


def flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError("True or False")


def text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("a string")
    return value


def path(value: Any) -> Path:
    if not isinstance(value, str | Path) or not str(value):
        raise ValueError("a path (a string)")
    return Path(value)


def path_or_false(value: Any) -> Path | bool:
    """False (for "none"), or a path."""
    return False if value is False else path(value)


def cache_folder(configured: Path | bool | None, project_root: Path, name: str) -> Path | None:
    """A `path_or_false` cache setting as a folder: None means `.cache/<name>/` in
    `project_root` (the folder that holds the content folder); False means none."""
    if configured is False:
        return None
    if configured is None:
        return project_root / ".cache" / name
    return Path(configured).resolve()


def one_of(*choices: str) -> Check:
    def check(value: Any) -> str:
        if value not in choices:
            raise ValueError("one of " + ", ".join(repr(choice) for choice in choices))
        return str(value)

    return check


def text_list(value: Any) -> tuple[str, ...]:
    """A list of strings; a single string is split at commas (handy from the command line)."""
    if isinstance(value, str):
        value = [part for part in value.split(",")]
    if not isinstance(value, Iterable) or isinstance(value, Mapping):
        raise ValueError("a list of strings")
    items = list(value)
    if not all(isinstance(item, str) for item in items):
        raise ValueError("a list of strings")
    return tuple(item.strip() for item in items if item.strip())
