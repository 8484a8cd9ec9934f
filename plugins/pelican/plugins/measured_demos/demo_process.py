"""Run one demo script in its own fresh process, with limits, and say what happened.

No Pelican here: the benchmarks and tests drive this module directly.
The process starts in a new session (its own process group) so a timeout kills
the demo and everything it started; the child also dies with the build and
enforces its own deadline, and runs in a PID namespace where allowed (child.py).
Every process of a demo carries a marker in its environment, so one that left
the group (a new session) is found and killed after the run. `stop_all()` ends
every running demo at once (Ctrl-C). CPU time and peak memory come from
`os.wait4`, which reports exactly this child, even when several run at once.
"""

from __future__ import annotations

import ast
import contextlib
import os
import re
import selectors
import signal
import stat
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import NamedTuple

from .child import EXIT_OUT_OF_MEMORY
from .results import DemoFailure, RunOutcome

CHILD = Path(__file__).with_name("child.py")
# Time between SIGTERM (the demo dumps its traceback) and SIGKILL.
KILL_GRACE_SECONDS = 1.0
# Once the demo's process has exited, how long its output pipes may stay open: a
# process it left running may hold them, and the demo must not wait for that.
DRAIN_SECONDS = 0.5
POLL_SECONDS = 0.25
READ_CHUNK = 65536
MARKER_VARIABLE = "MEASURED_DEMO_RUN"
PROC = Path("/proc")
_stopping = threading.Event()
_running: dict[int, str] = {}  # process group -> marker, of every demo running now
_running_lock = threading.Lock()
THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)


class RunRequest(NamedTuple):
    script: Path  # absolute path of the demo
    cwd: Path  # working directory: the project root
    timeout: float = 120.0
    memory_limit_mb: int | None = 2048
    output_limit: int = 100_000  # bytes kept per stream
    seed: int = 0
    threads: int = 1
    python: str = sys.executable
    figure_format: str = "svg"  # or "png"


def demo_environment(request: RunRequest, artifacts: Path, marker: str = "") -> dict[str, str]:
    """The environment a demo sees: the build's own, made reproducible, with its marker."""
    env = dict(os.environ)
    if marker:
        env[MARKER_VARIABLE] = marker
    env.update(
        {
            "MPLBACKEND": "Agg",
            "PYTHONHASHSEED": str(request.seed),
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONUNBUFFERED": "1",
            "SOURCE_DATE_EPOCH": "0",
            "DEMO_SEED": str(request.seed),
            "DEMO_ARTIFACTS_DIR": str(artifacts),
        }
    )
    env.update({name: str(request.threads) for name in THREAD_VARIABLES})
    return env


def run_demo(request: RunRequest, work: Path) -> RunOutcome:
    """Run `request.script` in a fresh process; files go to `work` (figures/, artifacts/)."""
    figures = work / "figures"
    artifacts = work / "artifacts"
    figures.mkdir(parents=True, exist_ok=True)
    artifacts.mkdir(parents=True, exist_ok=True)
    result_path = work / "result.txt"
    trace_path = work / "trace.txt"
    arguments = [
        str(request.script),
        str(result_path),
        str(trace_path),
        str(figures),
        str(request.seed),
        str(request.memory_limit_mb or 0),
        repr(float(request.timeout)),
        str(os.getpid()),
        request.figure_format,
    ]
    marker = uuid.uuid4().hex
    if _stopping.is_set():
        raise KeyboardInterrupt("the build is stopping")
    started_at = time.time()
    start = time.perf_counter()
    with _running_lock:
        process = subprocess.Popen(
            [request.python, str(CHILD), *arguments],
            cwd=request.cwd,
            env=demo_environment(request, artifacts, marker),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        _running[process.pid] = marker
    try:
        stdout, stderr, truncated, timed_out = _collect(
            process, start + request.timeout, request.output_limit
        )
        _, status, usage = os.wait4(process.pid, 0)  # rusage of exactly this child
    finally:
        with _running_lock:
            _running.pop(process.pid, None)
        _kill_group(process.pid, signal.SIGKILL)  # anything the demo left running
        escaped = kill_marked(marker)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if _stopping.is_set():
        raise KeyboardInterrupt("the build is stopping")

    result = _read_result(result_path)
    failure = _failure(request, process.returncode, timed_out, result, trace_path)
    figure_paths = tuple(figures / name for name in (result or {}).get("figures", []))
    artifact_paths = sorted(artifacts.iterdir())
    refused = _not_regular([*figure_paths, *artifact_paths], artifacts)
    if refused and failure is None:
        failure = DemoFailure("ArtifactError", refused)
    return RunOutcome(
        returncode=process.returncode,
        stdout=stdout,
        stderr=stderr,
        output_truncated=truncated,
        wall_seconds=wall,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=usage.ru_maxrss / 1024,  # KiB on Linux
        started_at=started_at,
        figures=figure_paths if not refused else (),
        artifacts={path.name: path for path in artifact_paths} if not refused else {},
        imported_modules=tuple((result or {}).get("modules", [])),
        failure=failure,
        isolation=_read_isolation(trace_path),
        escaped=escaped,
    )


def allow_runs() -> None:
    """Undo `stop_all()` for the next build in this process (tests, autoreload)."""
    _stopping.clear()


def stop_all() -> int:
    """Kill every running demo and all it started (Ctrl-C); return how many were running."""
    _stopping.set()
    with _running_lock:
        running = dict(_running)
    for group, marker in running.items():
        _kill_group(group, signal.SIGKILL)
        kill_marked(marker)
    return len(running)


def kill_marked(marker: str) -> tuple[str, ...]:
    """Kill the processes whose environment holds `marker`; describe each ("pid: command")."""
    needle = f"{MARKER_VARIABLE}={marker}".encode()
    found = []
    try:
        entries = [entry for entry in os.listdir(PROC) if entry.isdigit()]
    except OSError:
        return ()
    for entry in entries:
        try:
            environ = (PROC / entry / "environ").read_bytes()
            if needle not in environ.split(b"\0"):
                continue
            command = (PROC / entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            os.kill(int(entry), signal.SIGKILL)
        except (OSError, ValueError):
            continue
        found.append(f"{entry}: {command.strip()[:120]}")
    return tuple(found)


def _not_regular(paths: list[Path], artifacts: Path) -> str:
    """Why some of the files a demo would publish are refused ("" if none is).

    Only regular files are published: a symbolic link would publish whatever it
    points to (/etc/shadow, a 2 GB data set), and a folder, FIFO or socket is no
    file a page can link. Every process of the demo has ended, so this holds.
    """
    refused = []
    for path in paths:
        try:
            mode = path.lstat().st_mode
        except OSError as error:
            refused.append(f"{path.name} cannot be read ({error.strerror})")
            continue
        if stat.S_ISREG(mode):
            continue
        where = "DEMO_ARTIFACTS_DIR/" if path.parent == artifacts else "figure "
        if stat.S_ISLNK(mode):
            what = f"a symbolic link to {os.readlink(path)}"
        elif stat.S_ISDIR(mode):
            what = "a folder"
        else:
            what = "a special file (FIFO, socket or device)"
        refused.append(f"{where}{path.name} is {what}")
    if not refused:
        return ""
    return (
        f"{'; '.join(refused)}: only regular files are published; write the file's own bytes "
        "(shutil.copyfile, not os.symlink), one file per name, directly in DEMO_ARTIFACTS_DIR"
    )


def _read_isolation(trace: Path) -> str:
    try:
        return Path(str(trace) + ".isolation").read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def _collect(process: subprocess.Popen, deadline: float, limit: int) -> tuple[str, str, bool, bool]:
    """Read both pipes until they close, keeping `limit` bytes each; kill at the deadline.

    Stops reading DRAIN_SECONDS after the demo's process exits even if something it
    started still holds the pipes (the caller then kills its process group).
    """
    kept = {"stdout": bytearray(), "stderr": bytearray()}
    truncated = False
    timed_out = False
    kill_at: float | None = None
    drain_until: float | None = None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ, "stdout")
        selector.register(process.stderr, selectors.EVENT_READ, "stderr")
        while selector.get_map():
            now = time.perf_counter()
            if _stopping.is_set():
                _kill_group(process.pid, signal.SIGKILL)
                break
            if drain_until is None and _has_exited(process.pid):
                drain_until = now + DRAIN_SECONDS
            if drain_until is not None and now >= drain_until:
                break
            if kill_at is None and now >= deadline:
                timed_out = True
                _kill_group(process.pid, signal.SIGTERM)
                kill_at = now + KILL_GRACE_SECONDS
            elif kill_at is not None and now >= kill_at:
                _kill_group(process.pid, signal.SIGKILL)
                kill_at = float("inf")
            wake = min(kill_at if kill_at is not None else deadline, drain_until or float("inf"))
            for key, _ in selector.select(timeout=max(0.0, min(wake - now, POLL_SECONDS))):
                chunk = os.read(key.fd, READ_CHUNK)
                if not chunk:
                    selector.unregister(key.fileobj)
                    key.fileobj.close()
                    continue
                buffer = kept[key.data]
                room = limit - len(buffer)
                if len(chunk) > room:
                    truncated = True
                buffer.extend(chunk[: max(room, 0)])
        for key in list(selector.get_map().values()):
            key.fileobj.close()
    return (
        kept["stdout"].decode("utf-8", "replace"),
        kept["stderr"].decode("utf-8", "replace"),
        truncated,
        timed_out,
    )


def _has_exited(pid: int) -> bool:
    """Whether the process has ended, without reaping it: os.wait4 still needs its usage."""
    return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None


def _kill_group(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def _read_result(path: Path) -> dict | None:
    """The child's result (a Python literal; json would cost the child ~6 ms of imports)."""
    try:
        result = ast.literal_eval(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, SyntaxError):
        return None
    return result if isinstance(result, dict) else None


def _failure(
    request: RunRequest, returncode: int, timed_out: bool, result: dict | None, trace: Path
) -> DemoFailure | None:
    """Turn what the process left behind into one clear failure, or None on success."""
    if timed_out:
        line, where = _trace_location(trace, request.script)
        return DemoFailure(
            "TimeoutError",
            f"still running after {request.timeout:g} s, so its process group was killed; "
            "make it faster or raise 'timeout:' in the directive (or DEMOS_TIMEOUT)",
            line,
            where,
        )
    cap = request.memory_limit_mb
    if result is not None and result.get("failure"):
        data = result["failure"]
        message = data["message"]
        if data["kind"].endswith("MemoryError") and cap:
            message = f"{message or 'out of memory'}: the demo {_hit_the_cap(cap)}"
        return DemoFailure(data["kind"], message, data.get("line"), data.get("traceback", ""))
    if returncode < 0:
        name = signal.Signals(-returncode).name
        hint = " (probably out of memory: the kernel's OOM killer)" if name == "SIGKILL" else ""
        line, where = _trace_location(trace, request.script)
        return DemoFailure("Crash", f"the demo process was killed by signal {name}{hint}", line, where)
    if returncode == EXIT_OUT_OF_MEMORY and cap:
        return DemoFailure(
            "MemoryError", f"out of memory, even for saying where: the demo {_hit_the_cap(cap)}"
        )
    if result is None and cap:
        return DemoFailure(
            "ExitError",
            f"the demo process exited with status {returncode} without a result; "
            f"it probably {_hit_the_cap(cap)}",
        )
    if result is None or not result.get("ok"):
        return DemoFailure("ExitError", f"the demo process exited with status {returncode} before finishing")
    return None


def _hit_the_cap(megabytes: int) -> str:
    return (
        f"hit its memory cap of {megabytes} MB (address space); use less memory, "
        "or raise 'memory:' in the directive or DEMOS_MEMORY_LIMIT_MB"
    )


def _trace_location(trace: Path, script: Path) -> tuple[int | None, str]:
    """The demo's innermost line in a faulthandler dump (most recent call first)."""
    try:
        text = trace.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None, ""
    # Our own frames (runpy, child.py) say nothing to the author of the demo.
    text = "\n".join(
        line for line in text.splitlines() if "<frozen runpy>" not in line and str(CHILD) not in line
    ).strip()
    pattern = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+)')
    for match in pattern.finditer(text):
        if os.path.abspath(match.group("file")) == str(script):
            return int(match.group("line")), text
    return None, text
