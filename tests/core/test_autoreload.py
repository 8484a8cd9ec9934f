"""`make devserver` / `make regenerate` rebuild when a demo, its data or a widget's code changes."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from plugin_core.build import Build
from plugin_core.watch import watch, watched_paths

from tests.helpers import PROJECT, write_site

POST = """\
    Title: Counting
    Date: 2025-04-01

    ::: demo demos/count.py
    data: demos/data/rows.csv
    :::
    """
DEMO = """\
    from pathlib import Path
    rows = Path(__file__).with_name("data").joinpath("rows.csv").read_text().splitlines()
    print(f"{len(rows)} rows")
    """


def test_watched_paths_are_the_existing_files_plugins_named(tmp_path):
    settings: dict = {}
    assert watched_paths(settings) == []
    build = Build(settings)
    (tmp_path / "a.py").write_text("")
    watch(build, tmp_path / "a.py", tmp_path / "gone.py")
    watch(build, tmp_path)
    assert watched_paths(settings) == [tmp_path.resolve(), (tmp_path / "a.py").resolve()]
    watch(Build(settings), tmp_path / "a.py")  # the next run starts its own list
    assert watched_paths(settings) == [(tmp_path / "a.py").resolve()]


def wait_for(log: Path, text: str, seconds: float = 120) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        content = log.read_text(errors="replace")
        if text in content:
            return content
        time.sleep(0.5)
    raise AssertionError(f"{text!r} not in the log after {seconds} s:\n{log.read_text()[-3000:]}")


def change_until_seen(path: Path, text: str, log: Path) -> None:
    """Write `text` to `path` until the log says it rebuilt: the watcher starts just after "Done:"."""
    for _ in range(60):
        path.write_text(text)
        try:
            wait_for(log, f"Modified: {path}", seconds=2)
            return
        except AssertionError:
            continue
    raise AssertionError(f"no rebuild after changing {path}:\n{log.read_text()[-3000:]}")


def test_a_changed_data_file_or_demo_rebuilds(tmp_path):
    content = write_site(tmp_path, {"issues/count.md": POST})
    (tmp_path / "demos" / "data").mkdir(parents=True)
    (tmp_path / "demos" / "count.py").write_text(textwrap.dedent(DEMO))
    data = tmp_path / "demos" / "data" / "rows.csv"
    data.write_text("a\nb\n")
    output = tmp_path / "output"
    log = tmp_path / "log.txt"
    command = [
        sys.executable, "-m", "plugin_core.autoreload", "-r", str(content), "-o", str(output),
        "-s", str(PROJECT / "pelicanconf.py"), "-e",
        'PLUGINS=["measured_demos"]', f'DEMOS_ROOT="{tmp_path}"',
        f'DEMOS_CACHE_PATH="{tmp_path / "_demo_cache"}"',
    ]  # fmt: skip
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "300"}
    with log.open("w") as sink:
        process = subprocess.Popen(command, cwd=PROJECT, stdout=sink, stderr=subprocess.STDOUT, env=env)
    try:
        page = output / "issues" / "counting" / "index.html"
        wait_for(log, "Done:")
        assert "2 rows" in page.read_text()
        change_until_seen(data, "a\nb\nc\n", log)
        deadline = time.monotonic() + 120
        while "3 rows" not in page.read_text() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert "3 rows" in page.read_text()
        demo = tmp_path / "demos" / "count.py"
        change_until_seen(demo, demo.read_text().replace("rows", "lines"), log)
    finally:
        process.terminate()
        process.wait(timeout=30)
