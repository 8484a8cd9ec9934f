"""A tiny site with both widgets and their training demos, built once for these tests."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from tests.helpers import PROJECT, build_site, log_of, write_site

WIDGET_PLUGINS = ["newsletter", "measured_demos", "pyodide_widgets"]

WIDGET_POST = """\
    Title: Tiny models on your device
    Date: 2025-03-01
    Summary: Two widgets.

    The training runs at build time and is measured like any demo.

    ::: demo demos/widget_digits.py
    caption: Training the digits model
    data: widgets/digits.py
    :::

    ::: widget digits
    model: demos/widget_digits.py
    caption: trained when this page was built
    :::

    ::: demo demos/widget_iris.py
    :::

    ::: widget iris
    model: demos/widget_iris.py
    :::
    """

# Both runtimes on one page: the digits model on each, the iris network on MicroPython.
MIXED_POST = """\
    Title: Two runtimes
    Date: 2025-03-04
    Summary: The same model on Pyodide and on MicroPython.

    ::: demo demos/widget_digits.py
    :::

    ::: widget digits
    model: demos/widget_digits.py
    runtime: pyodide
    :::

    ::: widget digits
    model: demos/widget_digits.py
    caption: on MicroPython
    runtime: micropython
    :::

    ::: demo demos/widget_iris.py
    :::

    ::: widget iris
    model: demos/widget_iris.py
    runtime: micropython
    :::
    """

PLAIN_POST = """\
    Title: No widget here
    Date: 2025-02-01
    Summary: Plain text.

    Just words.
    """


def build_widget_site(
    root: Path, posts: dict[str, str], extra: dict | None = None, demo_cache: Path | None = None
):
    """Build `posts` with the widget plugins; the demo cache may be shared between builds."""
    content = write_site(root, posts)
    settings = {
        "PLUGINS": WIDGET_PLUGINS,
        "DEMOS_ROOT": str(PROJECT),  # the training demos live in the project's demos/
        "DEMOS_CACHE_PATH": str(demo_cache or root / "_demo_cache"),
        **(extra or {}),
    }
    return build_site(root / "output", content, extra=settings)


@pytest.fixture(scope="session")
def widget_demo_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("widget-demo-cache")


@pytest.fixture(scope="session")
def widget_site(tmp_path_factory, widget_demo_cache) -> Path:
    root = tmp_path_factory.mktemp("widget-site")
    posts = {"issues/widgets.md": WIDGET_POST, "issues/plain.md": PLAIN_POST, "issues/mixed.md": MIXED_POST}
    result = build_widget_site(root, posts, demo_cache=widget_demo_cache)
    assert result.returncode == 0, log_of(result)
    return root / "output"


def load_widget_module(name: str):
    """The project's widget code, imported the way the plugin imports it."""
    sys.path.insert(0, str(PROJECT / "plugins"))
    from pelican.plugins.pyodide_widgets import widget_modules

    return widget_modules.load(PROJECT / "widgets", name)


def published_weights(site: Path, name: str) -> dict:
    (path,) = (site / "widgets").glob(f"{name}-weights.*.json")
    return json.loads(path.read_text())


def cpython_result(site: Path, name: str, inputs: list) -> dict:
    """What CPython computes with the published weights: the reference for the browser."""
    return load_widget_module(name).predict(published_weights(site, name), inputs)


def hardlinked_copy(site: Path, target: Path) -> Path:
    """A copy of the built site that costs no disk (to break one file in it)."""
    shutil.copytree(site, target, copy_function=lambda src, dst: Path(dst).hardlink_to(src))
    return target
