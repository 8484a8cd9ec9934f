"""No demo outlives its build: kill -9 of the build, Ctrl-C, and processes in new sessions.

Real processes and real signals; each demo marks its processes with a unique
token in their command line, so the test can look for them from outside.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

from tests.demos.test_runner import gone_within, running_with
from tests.helpers import PROJECT, write_site

# Sleeps, and starts a process in its own session (out of reach of a process-group kill).
SLEEPER = """
import pathlib, subprocess, sys, time
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)", "{token}"], start_new_session=True)
pathlib.Path("{flag}").write_text("started")
time.sleep(120)
"""


def wait_for(path: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


def sleeper(folder: Path, name: str) -> tuple[Path, str, Path]:
    token, flag = f"demo-token-{uuid.uuid4().hex}", folder / f"{name}.started"
    script = folder / "demos" / f"{name}.py"
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(textwrap.dedent(SLEEPER.format(token=token, flag=flag)))
    return script, token, flag


def test_a_demo_and_what_it_started_die_when_the_build_is_killed(tmp_path):
    script, token, flag = sleeper(tmp_path, "sleeper")
    runner = (
        "import sys; from pathlib import Path\n"
        "from pelican.plugins.measured_demos.demo_process import RunRequest, run_demo\n"
        f"run_demo(RunRequest(script=Path({str(script)!r}), cwd=Path({str(tmp_path)!r}), timeout=120), "
        f"Path({str(tmp_path / 'work')!r}))\n"
    )
    build = subprocess.Popen([sys.executable, "-c", runner], cwd=PROJECT)
    try:
        wait_for(flag)
        assert running_with(token)
        os.kill(build.pid, signal.SIGKILL)
        build.wait()
        assert gone_within(token, seconds=2)
    finally:
        build.kill()


def test_ctrl_c_stops_every_running_demo_within_2_seconds_and_fails_the_build(tmp_path):
    demos = [sleeper(tmp_path, name) for name in ("first", "second")]
    posts = {
        f"issues/{name}.md": f"Title: {name}\nDate: 2024-01-0{i + 1}\n\n::: demo demos/{name}.py\n:::\n"
        for i, name in enumerate(("first", "second"))
    }
    content = write_site(tmp_path, posts)
    cache = tmp_path / "_demo_cache"
    command = [sys.executable, "-m", "pelican", str(content), "-o", str(tmp_path / "output")]
    command += ["-s", str(PROJECT / "pelicanconf.py"), "-e", f'DEMOS_CACHE_PATH="{cache}"', "DEMOS_WORKERS=2"]
    build = subprocess.Popen(
        command,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    try:
        for _, _, flag in demos:
            wait_for(flag)
        interrupted = time.monotonic()
        build.send_signal(signal.SIGINT)
        log, _ = build.communicate(timeout=10)
        assert time.monotonic() - interrupted < 2.5, log
    finally:
        build.kill()
    assert build.returncode != 0, log
    assert "interrupted; 2 running demo(s) killed" in log
    for _, token, _ in demos:
        assert gone_within(token, seconds=0.5)
    assert not cache.exists() or not list(cache.iterdir())  # nothing half-written, nothing stored
