"""The runner: a fresh process per demo, limits, and what it reports when things go wrong."""

from __future__ import annotations

import os
import textwrap
import time
from pathlib import Path

import pytest
from pelican.plugins.measured_demos.demo_process import RunRequest, run_demo


def run(tmp_path: Path, source: str, **options):
    script = tmp_path / "demos" / "demo.py"
    script.parent.mkdir(exist_ok=True)
    script.write_text(textwrap.dedent(source))
    work = tmp_path / "work"
    return run_demo(RunRequest(script=script, cwd=tmp_path, **options), work)


def test_success_reports_output_times_and_figures(tmp_path):
    outcome = run(
        tmp_path,
        """
        import os, random
        import matplotlib.pyplot as plt
        print("<b>hello</b>", random.random(), os.environ["MPLBACKEND"], os.environ["OMP_NUM_THREADS"])
        print("cwd", os.getcwd())
        plt.plot([1, 2, 3])
        plt.figure()
        plt.plot([3, 2, 1])
        plt.show()
        """,
    )
    assert outcome.ok, outcome.failure
    assert "<b>hello</b> 0.8444218515250481 Agg 1" in outcome.stdout  # random.seed(0)
    assert f"cwd {tmp_path}" in outcome.stdout
    assert outcome.stderr == ""  # plt.show() on Agg stays quiet
    assert [p.name for p in outcome.figures] == ["fig-1.svg", "fig-2.svg"]
    assert outcome.cpu_seconds > 0 and outcome.wall_seconds >= outcome.cpu_seconds * 0.5
    assert outcome.peak_rss_mb > 10
    assert "matplotlib" in outcome.imported_modules


def test_numpy_is_seeded_only_when_the_demo_imports_it(tmp_path):
    outcome = run(
        tmp_path, "import sys\nprint('numpy' in sys.modules)\nimport numpy\nprint(numpy.random.rand())"
    )
    assert outcome.stdout.split() == ["False", "0.5488135039273248"]


def test_figures_are_deterministic_small_svg_with_text(tmp_path):
    source = """
    import matplotlib.pyplot as plt
    plt.plot([1, 2, 3]); plt.title("Energy per model")
    """
    first = run(tmp_path, source).figures[0].read_bytes()
    second = run(tmp_path, source).figures[0].read_bytes()
    assert first == second
    assert b"<dc:date>" not in first
    assert b"Energy per model" in first  # svg.fonttype none: text stays text
    assert len(first) < 40_000


def test_png_figures_are_deterministic_without_a_version_stamp(tmp_path):
    source = "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\n"
    first = run(tmp_path, source, figure_format="png").figures[0]
    second = run(tmp_path, source, figure_format="png").figures[0]
    assert first.name == "fig-1.png" and first.read_bytes() == second.read_bytes()
    assert first.read_bytes().startswith(b"\x89PNG") and b"Matplotlib version" not in first.read_bytes()


def test_exception_names_the_demo_line_and_trims_the_traceback(tmp_path):
    outcome = run(tmp_path, "x = 1\ndef f():\n    raise ValueError('bad value')\nf()\n")
    failure = outcome.failure
    assert (failure.kind, failure.message, failure.line) == ("ValueError", "bad value", 3)
    assert "runpy" not in failure.traceback and "child.py" not in failure.traceback
    assert 'demo.py", line 4' in failure.traceback


def test_sys_exit_zero_is_success_and_nonzero_a_failure(tmp_path):
    assert run(tmp_path, "import sys\nsys.exit(0)").ok
    failure = run(tmp_path, "import sys\nsys.exit(2)").failure
    assert failure.kind == "SystemExit" and failure.line == 2


def test_hung_demo_is_killed_at_its_timeout_with_its_line(tmp_path):
    outcome = run(
        tmp_path,
        """
        import subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)  # hung-grandchild"])
        print(child.pid, flush=True)
        while True:
            time.sleep(0.05)
        """,
        timeout=1.5,
    )
    assert outcome.failure.kind == "TimeoutError"
    assert "1.5 s" in outcome.failure.message and "timeout:" in outcome.failure.message
    assert outcome.failure.line in (5, 6)  # in the loop, wherever SIGTERM found it
    assert outcome.wall_seconds < 5
    assert gone_within("hung-grandchild", seconds=3)  # the whole process group was killed


def running_with(token: str) -> list[int]:
    """Live processes whose command line holds `token` (pids differ inside a PID namespace)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if token.encode() not in (entry / "cmdline").read_bytes():
                continue
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state not in ("Z", "X"):
            found.append(int(entry.name))
    return found


def gone_within(token: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not running_with(token):
            return True
        time.sleep(0.05)
    return False


def test_crash_by_signal_is_reported(tmp_path):
    outcome = run(tmp_path, "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n")
    assert outcome.failure.kind == "Crash"
    assert "SIGSEGV" in outcome.failure.message
    assert outcome.failure.line == 2


def test_os_exit_is_reported_with_its_line(tmp_path):
    outcome = run(tmp_path, "import os\nprint('bye', flush=True)\nos._exit(3)\n")
    assert outcome.returncode == 3
    assert outcome.failure.kind == "ExitError" and "os._exit(3)" in outcome.failure.message
    assert outcome.failure.line == 3
    assert outcome.stdout == "bye\n"


def test_output_is_capped_with_a_flag(tmp_path):
    outcome = run(
        tmp_path,
        "import sys\nfor i in range(20000):\n    print('x' * 99)\nsys.stderr.write('e' * 5000)",
        output_limit=1000,
    )
    assert outcome.ok
    assert len(outcome.stdout) == 1000 and len(outcome.stderr) == 1000
    assert outcome.output_truncated


def test_artifacts_directory_is_collected(tmp_path):
    outcome = run(
        tmp_path,
        "import os, pathlib\npathlib.Path(os.environ['DEMO_ARTIFACTS_DIR'], 'w.json').write_text('[1]')",
    )
    assert outcome.ok
    assert outcome.artifacts["w.json"].read_text() == "[1]"


@pytest.mark.parametrize(
    "make, refused",
    [
        (
            "os.symlink('/etc/passwd', out('secret.txt'))",
            "DEMO_ARTIFACTS_DIR/secret.txt is a symbolic link to /etc/passwd",
        ),
        ("os.mkdir(out('nested'))", "DEMO_ARTIFACTS_DIR/nested is a folder"),
        ("os.mkfifo(out('pipe'))", "DEMO_ARTIFACTS_DIR/pipe is a special file (FIFO, socket or device)"),
    ],
    ids=["symlink", "folder", "fifo"],
)
def test_artifacts_that_are_not_regular_files_are_refused(tmp_path, make, refused):
    source = "import os\nout = lambda name: os.path.join(os.environ['DEMO_ARTIFACTS_DIR'], name)\n"
    source += f"open(out('ok.json'), 'w').write('[1]')\n{make}\n"
    outcome = run(tmp_path, source)
    assert outcome.failure.kind == "ArtifactError"
    assert outcome.failure.message.startswith(refused + ": only regular files are published")
    assert "shutil.copyfile, not os.symlink" in outcome.failure.message
    assert outcome.artifacts == {} and outcome.figures == ()  # nothing of this run is published


def test_a_figure_replaced_by_a_link_is_refused(tmp_path):
    # The figures folder sits beside DEMO_ARTIFACTS_DIR; an atexit hook runs after the figures are saved.
    source = """\
        import atexit, os
        import matplotlib.pyplot as plt
        plt.plot([1, 2])
        figure = os.path.join(os.environ["DEMO_ARTIFACTS_DIR"], "..", "figures", "fig-1.svg")
        atexit.register(lambda: (os.remove(figure), os.symlink("/etc/passwd", figure)))
        """
    outcome = run(tmp_path, source)
    assert outcome.failure.kind == "ArtifactError"
    assert "figure fig-1.svg is a symbolic link to /etc/passwd" in outcome.failure.message
    assert outcome.figures == ()


@pytest.mark.parametrize("bad", ["import nonexistent_module_xyz", "1/0"])
def test_import_and_runtime_errors(tmp_path, bad):
    failure = run(tmp_path, bad).failure
    assert failure.kind in ("ModuleNotFoundError", "ZeroDivisionError")
    assert failure.line == 1


def test_syntax_error_names_its_line(tmp_path):
    failure = run(tmp_path, "x = 1\ndef f(:\n    pass\n").failure
    assert (failure.kind, failure.message, failure.line) == ("SyntaxError", "invalid syntax", 2)
    assert "def f(:" in failure.traceback


def test_forked_multiprocessing_children_are_not_an_os_exit_failure(tmp_path):
    # A forked child ends with os._exit; one still running when the script ends used
    # to overwrite the demo's result with "the demo called os._exit(0)".
    source = """\
        import multiprocessing, time
        if __name__ == "__main__":
            context = multiprocessing.get_context("fork")
            context.Process(target=time.sleep, args=(0.3,)).start()
            with context.Pool(2) as pool:
                print(sum(pool.map(abs, range(-5, 5))))
        """
    outcome = run(tmp_path, source)
    assert outcome.ok, outcome.failure
    assert outcome.stdout == "25\n"


@pytest.mark.parametrize("threads", [1, 2])
def test_blas_threads_are_set(tmp_path, threads):
    source = """\
        import numpy, threadpoolctl
        print(sorted({info["num_threads"] for info in threadpoolctl.threadpool_info()}))
        """
    outcome = run(tmp_path, source, threads=threads)
    assert outcome.ok, outcome.failure
    assert outcome.stdout == f"[{threads}]\n"


def test_a_process_left_running_does_not_hold_a_finished_demo(tmp_path):
    # It inherits the demo's output pipes; waiting for them to close would turn a
    # finished demo into a timeout.
    source = """\
        import subprocess
        subprocess.Popen(["sleep", "30"])
        print("done")
        """
    started = time.perf_counter()
    outcome = run(tmp_path, source, timeout=10)
    assert outcome.ok, outcome.failure
    assert outcome.stdout == "done\n"
    assert time.perf_counter() - started < 5


def test_an_escaped_process_cannot_hold_the_build_past_the_timeout(tmp_path):
    # A child in its own session is out of reach of the process-group kill.
    source = """\
        import subprocess, time
        child = subprocess.Popen(["sleep", "30.25"], start_new_session=True)
        print(child.pid, flush=True)
        time.sleep(30)
        """
    started = time.perf_counter()
    outcome = run(tmp_path, source, timeout=1)
    assert outcome.failure.kind == "TimeoutError" and outcome.failure.line == 4
    assert time.perf_counter() - started < 5
    # Killed with the demo: by its PID namespace, or found by its environment marker.
    assert gone_within("30.25", seconds=1)
    assert outcome.isolation in ("pid namespace", "process group")
    if outcome.isolation == "process group":
        assert len(outcome.escaped) == 1 and "sleep 30.25" in outcome.escaped[0]
