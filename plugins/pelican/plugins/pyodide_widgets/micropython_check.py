"""Check a MicroPython widget at build time: same module, same input, same result as CPython.

MicroPython is a different Python: no ``__future__``, no keyword arguments to
``zip``, no dunder methods on built-in types, a smaller standard library, its
own float formatting.  So each widget that runs on MicroPython is run once at
build time under the pinned MicroPython, in Node (``micropython_check.mjs``,
with the bootstrap the browser uses), on its sample input, and its result is
compared with CPython's to within 1e-9.  A module that does not run, or gives
another result, is a content error naming the widget file, MicroPython's line
and a hint.  No Pelican import here.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
from pathlib import Path
from typing import NamedTuple

from plugin_core.memo import Memo
from plugin_core.memo import key as memo_key

from .micropython_runtime import HEAP_BYTES, MicroPythonRuntime

CHECK_SCRIPT = Path(__file__).with_name("micropython_check.mjs")
BOOTSTRAP = Path(__file__).with_name("static") / "micropython_bootstrap.py"
TOLERANCE = 1e-9
NODE_TIMEOUT_SECONDS = 60

# Hints for the usual differences, matched against MicroPython's error line.
HINTS = (
    (
        re.compile(r"no module named '__future__'"),
        "MicroPython has no __future__ module: remove `from __future__ import annotations` "
        "(CPython 3.11 reads annotations like list[int] without it; MicroPython ignores them).",
    ),
    (
        re.compile(r"doesn't take keyword arguments|unexpected keyword argument 'strict'"),
        "MicroPython's built-ins take no keyword arguments, so zip(..., strict=True) fails: "
        "check the lengths with an explicit `if len(a) != len(b): raise ValueError(...)` "
        "and call zip(a, b).",
    ),
    (
        re.compile(r"has no attribute '__\w+__'"),
        "MicroPython's built-in types do not expose dunder methods: write "
        "`key=lambda i: scores[i]` instead of `key=scores.__getitem__`, `a + b` instead "
        "of `a.__add__(b)`.",
    ),
    (
        re.compile(r"no module named '(?P<module>[\w.]+)'"),
        "MicroPython's standard library is small: math, json, random, re, collections, array "
        "and a few more are there; {module} is not. Write the few lines you need, or choose "
        "`runtime: pyodide` for this widget.",
    ),
    (
        re.compile(r"SyntaxError"),
        "MicroPython's grammar is Python 3.4 with some later additions (f-strings, :=): "
        "`match` statements, type parameter syntax and some f-string forms are not supported.",
    ),
)
MISMATCH_HINT = (
    "Look for code whose result depends on the implementation: float formatting "
    "(MicroPython formats 0.745 with :.0% as 75%, CPython as 74%: round yourself), "
    "round() at exact ties, set order, sys.implementation."
)


class MicroPythonCheckError(Exception):
    """The widget does not run on MicroPython, or its result differs from CPython's."""


class Outcome(NamedTuple):
    """What MicroPython computed for the sample input."""

    result: object
    summary: str


def run_in_micropython(
    node: str, runtime: MicroPythonRuntime, name: str, code: str, weights: str, sample: list
) -> dict:
    """Run ``predict`` and ``describe`` in Node; return the check script's answer."""
    job = {
        "runtime": str(runtime.module),
        "bootstrap": BOOTSTRAP.read_text(encoding="utf-8"),
        "heapBytes": HEAP_BYTES,
        "name": name,
        "code": code,
        "weights": weights,
        "input": sample,
    }
    try:
        done = subprocess.run(
            [node, str(CHECK_SCRIPT)],
            input=json.dumps(job),
            capture_output=True,
            text=True,
            timeout=NODE_TIMEOUT_SECONDS,
        )
    except FileNotFoundError:
        raise MicroPythonCheckError(
            f"Node.js was not found (MICROPYTHON_NODE = {node!r}): the build runs each MicroPython "
            "widget in Node to check it. Install Node.js 20 or later (npm needs it too), or set "
            "MICROPYTHON_NODE to its path."
        ) from None
    except subprocess.TimeoutExpired:
        raise MicroPythonCheckError(
            f"did not finish under MicroPython within {NODE_TIMEOUT_SECONDS} s on its sample input "
            "(an endless loop?)"
        ) from None
    try:
        return json.loads(done.stdout)
    except ValueError:
        raise MicroPythonCheckError(
            f"the MicroPython check could not run (node exited with {done.returncode}): "
            f"{(done.stderr or done.stdout).strip()[-500:]}"
        ) from None


def explain_failure(answer: dict, widget_file: str, name: str, version: str) -> str:
    """A message from MicroPython's traceback: the widget file and line, the error, a hint."""
    traceback = answer.get("message", "").strip()
    lines = [line.strip() for line in traceback.splitlines() if line.strip()]
    error = lines[-1] if lines else "no error message"
    # Tracebacks name the module as MicroPython imported it: widgets/<name>.py.
    places = re.findall(r'File "/?widgets/' + re.escape(name) + r'\.py", line (\d+)', traceback)
    where = f"{widget_file}:{places[-1]}" if places else widget_file
    if answer.get("stage") == "start":
        return f"MicroPython {version} did not start for the check: {error}"
    doing = "importing it" if answer.get("stage") == "import" else "running it on its sample input"
    message = f"does not run under MicroPython {version} ({doing}): {where}: {error}"
    for pattern, hint in HINTS:
        match = pattern.search(error)
        if match:
            return f"{message}. Hint: {hint.format(**match.groupdict())}"
    return message


def first_difference(micro: object, cpython: object, where: str = "result") -> str | None:
    """Where two JSON values differ (numbers by more than TOLERANCE), or None."""
    numbers = (int, float)
    if isinstance(micro, bool) or isinstance(cpython, bool):
        same = micro == cpython
    elif isinstance(micro, numbers) and isinstance(cpython, numbers):
        same = math.isclose(micro, cpython, rel_tol=TOLERANCE, abs_tol=TOLERANCE)
    elif isinstance(micro, dict) and isinstance(cpython, dict):
        if set(micro) != set(cpython):
            return f"{where} has keys {sorted(micro)} in MicroPython and {sorted(cpython)} in CPython"
        for key in cpython:
            found = first_difference(micro[key], cpython[key], f"{where}[{key!r}]")
            if found:
                return found
        return None
    elif isinstance(micro, list) and isinstance(cpython, list):
        if len(micro) != len(cpython):
            return f"{where} has {len(micro)} items in MicroPython and {len(cpython)} in CPython"
        for index, (a, b) in enumerate(zip(micro, cpython, strict=True)):
            found = first_difference(a, b, f"{where}[{index}]")
            if found:
                return found
        return None
    else:
        same = micro == cpython
    return None if same else f"{where} is {micro!r} in MicroPython and {cpython!r} in CPython"


def check_widget(
    *,
    node: str,
    runtime: MicroPythonRuntime,
    name: str,
    widget_file: Path,
    shown_path: str,
    weights: str,
    sample: list,
    result: object,
    summary: str,
    memo: Memo | None = None,
) -> Outcome:
    """Run the widget under MicroPython on ``sample``; raise MicroPythonCheckError unless it
    gives CPython's ``result`` (to within 1e-9) and ``summary``.

    A check that passed is kept in ``memo`` under a hash of everything it depends
    on (module, weights, sample, CPython's answer, the runtime and the check's own
    code), so a rebuild starts Node only for a widget or runtime that changed.
    """
    code = widget_file.read_text(encoding="utf-8")
    entry = memo_key(
        name,
        code,
        weights,
        json.dumps([sample, result, summary], sort_keys=True),
        runtime.version,
        str(runtime.module),
        str(HEAP_BYTES),
        repr(TOLERANCE),
        BOOTSTRAP.read_text(encoding="utf-8"),
        CHECK_SCRIPT.read_text(encoding="utf-8"),
    )
    passed = memo.get(entry) if memo else None
    if passed is not None:
        return Outcome(result=passed["result"], summary=passed["summary"])
    answer = run_in_micropython(node, runtime, name, code, weights, sample)
    if not answer.get("ok"):
        raise MicroPythonCheckError(explain_failure(answer, shown_path, name, runtime.version))
    # CPython's result as the browser receives it: through JSON (tuples become lists).
    expected = json.loads(json.dumps(result))
    difference = first_difference(answer["result"], expected)
    if difference is None and answer["summary"] != summary:
        difference = f"describe() says {answer['summary']!r} in MicroPython and {summary!r} in CPython"
    if difference:
        raise MicroPythonCheckError(
            f"{shown_path} gives another result under MicroPython {runtime.version} on its sample "
            f"input: {difference} (allowed difference {TOLERANCE:g}). Hint: {MISMATCH_HINT}"
        )
    if memo:
        memo.put(entry, {"result": answer["result"], "summary": answer["summary"]})
    return Outcome(result=answer["result"], summary=answer["summary"])
