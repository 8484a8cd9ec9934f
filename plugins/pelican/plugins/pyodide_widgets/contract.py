"""The widget contract, checked at build time: what a ``widgets/<name>.py`` must offer.

Every mismatch is a ``ContractError`` whose message says what was expected,
what was found and how to fix it; the plugin reports it as a content error
naming the widget file and the post. Nothing here lets an author's mistake
reach the renderer (which would raise a ``KeyError`` or ``TypeError``).
The README ("The widget contract") documents the same rules.
"""

from __future__ import annotations

from numbers import Real
from types import ModuleType
from typing import Any, NamedTuple

INPUT_KINDS = ("grid", "sliders")
GRID_DEFAULTS = {"label": "Drawing grid"}
SLIDER_DEFAULTS = {"unit": ""}


class ContractError(Exception):
    """A widget module does not keep the contract; the message says how to fix it."""


class CheckedWidget(NamedTuple):
    """A widget's module with its INPUT completed by the defaults, and its build-time result."""

    title: str
    explanation: str
    input_spec: dict
    sample: list
    result: dict
    summary: str


def _number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def _text(module: ModuleType, name: str) -> str:
    value = getattr(module, name)
    if not isinstance(value, str) or not value.strip():
        raise ContractError(f"{name} must be a non-empty string, got {type(value).__name__} {value!r:.60}")
    return value


def check_input(spec: Any) -> dict:
    """INPUT with its optional keys filled in; a ContractError for a missing or wrong key."""
    if not isinstance(spec, dict):
        raise ContractError(f"INPUT must be a dict, got {type(spec).__name__}")
    kind = spec.get("kind")
    if kind not in INPUT_KINDS:
        raise ContractError(f"INPUT['kind'] must be one of {', '.join(map(repr, INPUT_KINDS))}, got {kind!r}")
    if kind == "grid":
        spec = {**GRID_DEFAULTS, **spec}
        for key in ("rows", "cols"):
            if (
                not isinstance(spec.get(key), int)
                or isinstance(spec.get(key), bool)
                or not 1 <= spec[key] <= 64
            ):
                raise ContractError(
                    f"INPUT['{key}'] must be a whole number from 1 to 64, got {spec.get(key)!r}"
                )
        return spec
    fields = spec.get("fields")
    if not isinstance(fields, list) or not fields:
        raise ContractError("INPUT['fields'] must be a non-empty list of dicts, one per slider")
    completed = []
    for index, field in enumerate(fields):
        where = f"INPUT['fields'][{index}]"
        if not isinstance(field, dict):
            raise ContractError(f"{where} must be a dict, got {type(field).__name__}")
        missing = [key for key in ("name", "label", "min", "max") if key not in field]
        if missing:
            raise ContractError(
                f"{where} lacks {', '.join(map(repr, missing))}: a slider needs 'name', 'label', "
                "'min' and 'max'; 'step' and 'unit' are optional"
            )
        low, high = field["min"], field["max"]
        if not (_number(low) and _number(high) and low < high):
            raise ContractError(
                f"{where}: 'min' and 'max' must be numbers with min < max, got {low!r}, {high!r}"
            )
        field = {**SLIDER_DEFAULTS, "step": (high - low) / 100, **field}
        if not _number(field["step"]) or field["step"] <= 0:
            raise ContractError(f"{where}: 'step' must be a positive number, got {field['step']!r}")
        if not isinstance(field["unit"], str):
            raise ContractError(f"{where}: 'unit' must be a string (\"\" for none), got {field['unit']!r}")
        completed.append(field)
    return {**spec, "fields": completed}


def check_sample(spec: dict, sample: Any) -> list:
    """The sample input as a list of the right length and kind of values."""
    if spec["kind"] == "grid":
        size = spec["rows"] * spec["cols"]
        shape = f"a list of {size} numbers, 0 or 1 (rows*cols, row by row)"
    else:
        size = len(spec["fields"])
        shape = f"a list of {size} numbers, one per slider in the order of INPUT['fields']"
    if not isinstance(sample, (list, tuple)):
        raise ContractError(f"sample_input(weights) must return {shape}, got {type(sample).__name__}")
    if len(sample) != size or not all(_number(value) for value in sample):
        raise ContractError(f"sample_input(weights) must return {shape}, got {len(sample)} values")
    if spec["kind"] == "grid" and any(value not in (0, 1) for value in sample):
        raise ContractError(f"sample_input(weights) must return {shape}; found other values")
    if spec["kind"] == "sliders":
        for field, value in zip(spec["fields"], sample, strict=True):
            if not field["min"] <= value <= field["max"]:
                raise ContractError(
                    f"sample_input(weights): {field['name']} = {value!r} is outside its slider "
                    f"({field['min']} to {field['max']})"
                )
    return list(sample)


def check_result(result: Any) -> dict:
    """predict's return value: {"label": str, "probabilities": [{"label": str, "p": 0..1}], "image"?}."""
    shape = (
        'predict(weights, inputs) must return {"label": str, '
        '"probabilities": [{"label": str, "p": number}, ...]}'
    )
    if not isinstance(result, dict) or not isinstance(result.get("label"), str):
        raise ContractError(f"{shape}; got {type(result).__name__} {result!r:.80}")
    probabilities = result.get("probabilities")
    if not isinstance(probabilities, list) or not probabilities:
        raise ContractError(
            f"{shape}; 'probabilities' is {type(probabilities).__name__}, not a non-empty list"
        )
    for item in probabilities:
        if not (isinstance(item, dict) and isinstance(item.get("label"), str) and _number(item.get("p"))):
            raise ContractError(f"{shape}; found the item {item!r:.80}")
        if not 0 <= item["p"] <= 1:
            raise ContractError(f"{shape}; 'p' must be from 0 to 1, found {item['p']!r}")
    image = result.get("image")
    if image is not None:
        ok = isinstance(image, dict) and all(isinstance(image.get(k), int) for k in ("rows", "cols"))
        values = image.get("values") if ok else None
        if not (ok and isinstance(values, list) and len(values) == image["rows"] * image["cols"]):
            raise ContractError(
                'the optional "image" of predict\'s result must be {"rows": int, "cols": int, '
                '"values": [rows*cols numbers from 0 to "max" (default 1)]}'
            )
    return result


def check_widget(module: ModuleType, weights: dict) -> CheckedWidget:
    """Check the whole contract by running the widget on its sample input."""
    title, explanation = _text(module, "TITLE"), _text(module, "EXPLANATION")
    spec = check_input(module.INPUT)
    sample = check_sample(spec, _call(module, "sample_input", weights))
    result = check_result(_call(module, "predict", weights, sample))
    summary = _call(module, "describe", result)
    if not isinstance(summary, str):
        raise ContractError(f"describe(result) must return a sentence (str), got {type(summary).__name__}")
    return CheckedWidget(title, explanation, spec, sample, result, summary)


def _call(module: ModuleType, name: str, *args: Any) -> Any:
    try:
        return getattr(module, name)(*args)
    except ContractError:
        raise
    except Exception as error:  # the author's code: report it, whatever it raised
        where = _line_in(error, module)
        raise ContractError(f"{name}() raised {type(error).__name__}: {error}{where}") from None


def _line_in(error: BaseException, module: ModuleType) -> str:
    """' (line N)': the last line of the widget file in the error's traceback, if any."""
    line = None
    trace = error.__traceback__
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == module.__file__:
            line = trace.tb_lineno
        trace = trace.tb_next
    return f" (line {line})" if line else ""
