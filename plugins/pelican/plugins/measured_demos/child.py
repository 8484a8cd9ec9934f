"""Runs inside the fresh process of one demo:

    python child.py SCRIPT RESULT TRACE FIGURES SEED MEMORY_LIMIT_MB TIMEOUT BUILD_PID FORMAT

It sets the limits and seeds, runs the demo script as `__main__` (like
`python demos/x.py`), saves every open matplotlib figure as a deterministic SVG
(or PNG, FORMAT "png") and writes a result file (a Python literal, read back with ast.literal_eval).
Every import here is one the demo pays for, so it imports almost nothing up
front (no json, re, runpy or traceback: ~10 ms together); `random`, numpy and
matplotlib are seeded or configured only when the demo imports them.

It first ties itself to the build (`contain`): it dies when the build dies,
whatever kills it (PR_SET_PDEATHSIG), and enforces its own deadline. Where the
kernel allows (root on Linux), the demo then runs as the first process of a new
PID namespace, so every process it starts, even in a new session, ends with it;
elsewhere the runner finds such escaped processes by an environment marker.

This file must not import the measured_demos package (or Pelican): it runs
with the demo's interpreter and nothing else.
"""

from __future__ import annotations

import _signal  # the C module: `signal` would import enum and cost ~5 ms
import builtins
import faulthandler
import gc
import os
import resource
import sys
import types

SVG_HASHSALT = "measured-demos"
PR_SET_PDEATHSIG = 1
CLONE_NEWPID = 0x20000000
CLONE_NEWNS = 0x00020000
MS_REC, MS_PRIVATE = 0x4000, 0x40000
MS_NOSUID, MS_NODEV, MS_NOEXEC = 0x2, 0x4, 0x8
# After the runner's own timeout and kill grace: the runner normally acts first.
DEADLINE_MARGIN_SECONDS = 3
EXIT_BUILD_GONE = 125
# Out of memory even after releasing the demo's objects: no result could be written.
EXIT_OUT_OF_MEMORY = 123
_real_exit = os._exit
NOT_THIRD_PARTY = set(sys.stdlib_module_names) | set(sys.builtin_module_names) | {"__main__"}


def main(argv: list[str]) -> int:
    script, result_path, trace_path, figures_folder, seed_text, memory_text = argv[1:7]
    timeout, build_pid, figure_format = float(argv[7]), int(argv[8]), argv[9]
    script = os.path.abspath(script)
    isolation = contain(build_pid, timeout + DEADLINE_MARGIN_SECONDS)
    with open(trace_path + ".isolation", "w") as handle:
        handle.write(isolation)
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
    except BaseException as error:  # noqa: BLE001 - a syntax error is the author's to fix
        failure = describe(error, script)
    else:
        # A real `__main__` module, so pickle (multiprocessing) finds the demo's functions.
        main = types.ModuleType("__main__")
        main.__dict__.update({"__file__": script, "__builtins__": builtins})
        sys.modules["__main__"] = main
        error, line = run_script(code, main.__dict__, script)
        if isinstance(error, MemoryError):
            failure = describe_out_of_memory(error, script, line)
        elif error is not None:
            failure = describe(error, script)
    figures: list[str] = []
    if failure is None:
        try:
            figures = save_figures(figures_folder, figure_format)
        except Exception as error:  # noqa: BLE001
            failure = describe(error, script)
            saving = f"could not save the figures as {figure_format.upper()}"
            failure["message"] = f"{saving}: {failure['message']}"
    write_result(result_path, failure, figures)
    sys.stdout.flush()
    sys.stderr.flush()
    return 0 if failure is None else 1


def contain(build_pid: int, deadline: float) -> str:
    """Die with the build and by `deadline`; run in a new PID namespace where allowed.

    Returns how the demo is contained: "pid namespace" or "process group".
    """
    try:
        import ctypes  # ~3 ms; os has no prctl or unshare before Python 3.12

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, _signal.SIGKILL, 0, 0, 0)
    except (ImportError, OSError, AttributeError):
        libc = None
    if os.getppid() != build_pid:  # the build died before the line above
        os._exit(EXIT_BUILD_GONE)
    if libc is None or libc.unshare(CLONE_NEWPID | CLONE_NEWNS) != 0:
        _signal.alarm(max(1, int(deadline + 0.999)))  # SIGALRM's default action ends the demo
        return "process group"
    status_read, status_write = os.pipe()
    if os.fork() == 0:  # the first process of the new namespace: all others die with it
        os.close(status_read)
        libc.prctl(PR_SET_PDEATHSIG, _signal.SIGKILL, 0, 0, 0)  # dies with the watchdog
        # Its own /proc, so os.getpid() and /proc/<pid> (psutil) name the same process.
        libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None)
        libc.mount(b"proc", b"/proc", b"proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None)
        demo = os.fork()  # not the namespace's init, which ignores signals it does not handle
        if demo == 0:
            os.close(status_write)
            libc.prctl(PR_SET_PDEATHSIG, _signal.SIGKILL, 0, 0, 0)
            return "pid namespace"
        _init(demo, status_write)
    os.close(status_write)
    _watch(status_read, deadline)


def _init(demo: int, status_write: int) -> None:
    """PID 1 of the namespace: reaps what the demo leaves, hands the demo's status out, exits."""
    while True:
        pid, status = os.wait()
        if pid == demo:
            os.write(status_write, str(status).encode())
            os._exit(0)


def _watch(status_read: int, deadline: float) -> None:
    """Outside the namespace: kills it at the deadline, then ends as the demo ended.

    It ignores the runner's SIGTERM (the demo gets it too and dumps its traceback);
    SIGKILL ends the watchdog and, through PR_SET_PDEATHSIG, the whole namespace.
    """
    _signal.signal(_signal.SIGTERM, _signal.SIG_IGN)
    _signal.signal(_signal.SIGINT, _signal.SIG_IGN)
    _signal.signal(_signal.SIGALRM, lambda *_: os._exit(124))  # the namespace dies with us
    _signal.alarm(max(1, int(deadline + 0.999)))
    text = b""
    while chunk := os.read(status_read, 64):  # retried after signals (PEP 475)
        text += chunk
    os.wait()
    status = int(text) if text else 9  # no status: the namespace was killed (SIGKILL)
    if os.WIFSIGNALED(status) or not text:
        signal_number = os.WTERMSIG(status) if text else _signal.SIGKILL
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        _signal.signal(signal_number, _signal.SIG_DFL)
        os.kill(os.getpid(), signal_number)
    os._exit(os.waitstatus_to_exitcode(status))


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


def run_script(code: types.CodeType, namespace: dict, script: str) -> tuple[BaseException | None, int | None]:
    """Run the demo; if it fails, release what it holds before anything describes the failure.

    Returns the error (None on success) and the demo's innermost line. A demo that
    ran out of memory leaves none for a traceback, an import or even an int, and in
    CPython 3.11 an error raised inside a long function's `except` block while no
    int can be allocated loops forever. So this function is short and allocates
    nothing before `release`.
    """
    here = sys._getframe()
    try:
        exec(code, namespace)
    except SystemExit as stop:
        if stop.code in (None, 0):
            return None, None
        return stop, release(stop, namespace, script, here)
    except BaseException as error:  # noqa: BLE001 - every failure of the demo is reported
        return error, release(error, namespace, script, here)
    return None, None


def release(error: BaseException, namespace: dict, script: str, here: types.FrameType) -> int | None:
    """Clear the demo's globals and the locals of its ended frames; return its innermost line.

    The frames are walked with attribute reads and comparisons only, which
    allocate nothing; the line number (an int) is read after the release.
    """
    innermost = None
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == script:  # compile() was given `script` itself
            innermost = tb
        tb = tb.tb_next
    namespace.clear()
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame is not here:  # run_script's own frame is still running
            tb.tb_frame.clear()
        tb = tb.tb_next
    gc.collect()  # cycles the demo built (objects that refer to each other)
    return innermost.tb_lineno if innermost is not None else None


def describe_out_of_memory(error: MemoryError, script: str, line: int | None) -> dict:
    """Like describe(), without importing `traceback`: memory may still be short."""
    message = str(error) or "out of memory"
    return {
        "kind": "MemoryError",
        "message": message,
        "line": line,
        "traceback": plain_traceback(error.__traceback__, script, f"MemoryError: {message}"),
    }


def plain_traceback(tb: types.TracebackType | None, script: str, last: str) -> str:
    """The frames from the demo's first one down, as `traceback` prints them, without importing it."""
    while tb is not None and tb.tb_frame.f_code.co_filename != script:
        tb = tb.tb_next
    lines = ["Traceback (most recent call last):"]
    source: list[str] = []
    while tb is not None:
        code = tb.tb_frame.f_code
        lines.append(f'  File "{code.co_filename}", line {tb.tb_lineno}, in {code.co_name}')
        if code.co_filename == script:
            if not source:
                with open(script, encoding="utf-8", errors="replace") as handle:
                    source = handle.read().splitlines()
            if 0 < tb.tb_lineno <= len(source):
                lines.append("    " + source[tb.tb_lineno - 1].strip())
        tb = tb.tb_next
    return "\n".join([*lines, last, ""])


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


def save_figures(folder: str, figure_format: str) -> list[str]:
    """Every open figure as SVG (text kept as text, no date, ids from a fixed salt) or PNG."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:
        return []
    import matplotlib

    matplotlib.rcParams["svg.hashsalt"] = SVG_HASHSALT
    matplotlib.rcParams["svg.fonttype"] = "none"
    # No date (SVG) and no Matplotlib version (PNG): the same figure gives the same bytes.
    metadata = {"Date": None} if figure_format == "svg" else {"Software": None}
    names = []
    for index, number in enumerate(pyplot.get_fignums(), start=1):
        name = f"fig-{index}.{figure_format}"
        pyplot.figure(number).savefig(os.path.join(folder, name), format=figure_format, metadata=metadata)
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
    try:
        status = main(sys.argv)
    except MemoryError:  # even after the release: memory held where we cannot free it
        _real_exit(EXIT_OUT_OF_MEMORY)
    sys.exit(status)
