"""Runs inside the fresh process of one demo:

    python child.py SCRIPT RESULT TRACE FIGURES SEED MEMORY_LIMIT_MB

It sets the limits and seeds, runs the demo script as `__main__` (like
`python demos/x.py`), saves every open matplotlib figure as a deterministic SVG
and writes a result file (a Python literal, read back with ast.literal_eval).
Every import here is one the demo pays for, so it imports almost nothing up
front (no json, re, runpy or traceback: ~10 ms together); `random`, numpy and
matplotlib are seeded or configured only when the demo imports them.

This file must not import the measured_demos package (or Pelican): it runs
with the demo's interpreter and nothing else.
"""

from __future__ import annotations

import _signal  # the C module: `signal` would import enum and cost ~5 ms
import builtins
import faulthandler
import os
import resource
import sys
import types

SVG_HASHSALT = "measured-demos"
NOT_THIRD_PARTY = set(sys.stdlib_module_names) | set(sys.builtin_module_names) | {"__main__"}


def main(argv: list[str]) -> int:
    script, result_path, trace_path, figures_folder, seed_text, memory_text = argv[1:7]
    script = os.path.abspath(script)
    limit_memory(int(memory_text))
    trace_file = open(trace_path, "w")  # noqa: SIM115 - must outlive main() for faulthandler
    faulthandler.enable(trace_file)
    # On timeout the runner sends SIGTERM: dump where the demo was, then die as usual.
    faulthandler.register(_signal.SIGTERM, trace_file, chain=True)
    seed = int(seed_text)
    sys.meta_path.insert(
        0,
        AfterImport(
            {
                "random": lambda module: module.seed(seed),
                "numpy": lambda module: module.random.seed(seed),
                "matplotlib.pyplot": quiet_show,
            }
        ),
    )
    guard_os_exit(script, result_path)

    sys.argv = [script]
    sys.path[0] = os.path.dirname(script)
    failure = None
    try:
        with open(script, "rb") as handle:
            code = compile(handle.read(), script, "exec")
        # A real `__main__` module, so pickle (multiprocessing) finds the demo's functions.
        main = types.ModuleType("__main__")
        main.__dict__.update({"__file__": script, "__builtins__": builtins})
        sys.modules["__main__"] = main
        exec(code, main.__dict__)
    except SystemExit as stop:
        if stop.code not in (None, 0):
            failure = describe(stop, script)
    except BaseException as error:  # noqa: BLE001 - every failure of the demo is reported
        failure = describe(error, script)
    figures: list[str] = []
    if failure is None:
        try:
            figures = save_figures(figures_folder)
        except Exception as error:  # noqa: BLE001
            failure = describe(error, script)
            failure["message"] = f"could not save the figures as SVG: {failure['message']}"
    write_result(result_path, failure, figures)
    sys.stdout.flush()
    sys.stderr.flush()
    return 0 if failure is None else 1


def limit_memory(megabytes: int | None) -> None:
    """Cap the address space so a memory-hungry demo gets a MemoryError, not the OOM killer."""
    if megabytes > 0:
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


class AfterImport:
    """Calls `hooks[name](module)` right after the demo first imports `name`.

    Seeding numpy eagerly would cost ~60 ms for demos that never use it.
    """

    def __init__(self, hooks: dict) -> None:
        self.hooks = hooks

    def find_spec(self, name, path=None, target=None):  # noqa: ANN001 - importlib protocol
        hook = self.hooks.pop(name, None)
        if hook is None:
            return None
        import importlib.util  # already loaded by the import system: costs nothing

        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        original = spec.loader.exec_module

        def exec_module(module):  # noqa: ANN001
            original(module)
            hook(module)

        spec.loader.exec_module = exec_module
        return spec


def quiet_show(pyplot) -> None:  # noqa: ANN001
    """plt.show() is a no-op here; without this, Agg warns that it cannot show."""
    import warnings

    warnings.filterwarnings("ignore", message=".*is non-interactive, and thus cannot be shown")


def guard_os_exit(script: str, result_path: str) -> None:
    """os._exit skips every cleanup: record the line that called it before leaving.

    Only in the demo's own process: a forked multiprocessing child always ends
    with os._exit, and that is no failure of the demo.
    """
    real_exit = os._exit
    demo_pid = os.getpid()

    def _exit(status: int) -> None:
        if os.getpid() != demo_pid:
            real_exit(status)
        frame = sys._getframe(1)
        line = None
        while frame is not None:
            if os.path.abspath(frame.f_code.co_filename) == script:
                line = frame.f_lineno
                break
            frame = frame.f_back
        failure = {
            "kind": "ExitError",
            "message": f"the demo called os._exit({status}), which skips saving its results",
            "line": line,
            "traceback": "",
        }
        write_result(result_path, failure, [])
        real_exit(status)

    os._exit = _exit


def describe(error: BaseException, script: str) -> dict:
    """The exception, the demo's line that raised it and a traceback without our frames."""
    import traceback  # only on failure: costs ~2 ms

    tb = error.__traceback__
    while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) != script:
        tb = tb.tb_next
    line = None
    walker = tb
    while walker is not None:
        if os.path.abspath(walker.tb_frame.f_code.co_filename) == script:
            line = walker.tb_lineno
        walker = walker.tb_next
    exited = isinstance(error, SystemExit)
    message = f"the demo exited with status {error.code}" if exited else str(error)
    if isinstance(error, SyntaxError) and error.filename and os.path.abspath(error.filename) == script:
        # Raised by compile(): no frame of the demo ran, the line is on the error itself.
        line, message = error.lineno, error.msg
    return {
        "kind": type(error).__name__,
        "message": message,
        "line": line,
        "traceback": "".join(traceback.format_exception(type(error), error, tb)),
    }


def save_figures(folder: str) -> list[str]:
    """Every open figure as SVG: text kept as text, no date, ids from a fixed salt."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:
        return []
    import matplotlib

    matplotlib.rcParams["svg.hashsalt"] = SVG_HASHSALT
    matplotlib.rcParams["svg.fonttype"] = "none"
    names = []
    for index, number in enumerate(pyplot.get_fignums(), start=1):
        name = f"fig-{index}.svg"
        pyplot.figure(number).savefig(os.path.join(folder, name), format="svg", metadata={"Date": None})
        names.append(name)
    return names


def imported_packages() -> list[str]:
    """Top-level names of the third-party modules the demo imported."""
    names = {name.partition(".")[0] for name in list(sys.modules)}
    return sorted(name for name in names if name not in NOT_THIRD_PARTY and not name.startswith("_"))


def write_result(path: str, failure: dict | None, figures: list[str]) -> None:
    result = {
        "ok": failure is None,
        "failure": failure,
        "figures": figures,
        "modules": imported_packages(),
        "python": sys.version.split()[0],
    }
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(repr(result))
    os.replace(temporary, path)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
