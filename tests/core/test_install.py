"""`pip install` of the built wheel: the plugins in a fresh environment, on a site of its own.

A site with Pelican's default theme, as someone who never saw this project would have.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from tests.helpers import PROJECT

POST = """\
Title: One demo
Date: 2025-01-01

::: demo demos/hello.py
caption: Counting to three
:::
"""

SETTINGS = """\
SITENAME = "Someone else's site"
SITEURL = ""
PATH = "content"
TIMEZONE = "UTC"
FEED_ALL_ATOM = None
PLUGINS = ["measured_demos", "footprint"]
# No npm here, so no @tgwf/co2 data: the site gives its own figure, with its source.
CARBON_INTENSITY = {
    "g_per_kwh": 56.0, "region": "France", "year": 2024, "source": "a test figure", "url": "",
}
"""


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, **kwargs)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_the_wheel_installs_namespace_plugins_that_build_a_plain_pelican_site(tmp_path):
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"), str(PROJECT)])
    (wheel,) = (tmp_path / "dist").glob("lowcarbon_letter-*.whl")
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    python = venv / "bin" / "python"
    run([str(python), "-m", "pip", "install", "-q", str(wheel)])

    listed = run([str(venv / "bin" / "pelican-plugins")])
    for name in ("newsletter", "measured_demos", "pyodide_widgets", "footprint"):
        assert f"pelican.plugins.{name}" in listed.stdout + listed.stderr

    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "content" / "one-demo.md").write_text(POST)
    (site / "demos").mkdir()
    (site / "demos" / "hello.py").write_text(textwrap.dedent("print('one, two, three')\n"))
    (site / "pelicanconf.py").write_text(SETTINGS)
    built = run([str(python), "-m", "pelican", "content", "-o", "output", "-s", "pelicanconf.py"], cwd=site)

    page = (site / "output" / "one-demo.html").read_text()
    assert "one, two, three" in page and "Counting to three" in page
    assert "estimate" in page and "CO\u2082e" in page and "a test figure" in page
    report = json.loads((site / "output" / "footprint.json").read_text())
    assert [demo["script"] for demo in report["demos"]] == ["demos/hello.py"]
    assert (site / "output" / "footprint" / "index.html").is_file()
    assert list((site / "_demo_cache").glob("hello-*/result.json"))
    assert "Traceback" not in built.stdout + built.stderr
