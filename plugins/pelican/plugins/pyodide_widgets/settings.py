"""The plugin's settings: listed once here, read and checked once per build.

A bad value is a content error naming the setting (plugin_core.settings).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from plugin_core import settings as core_settings
from plugin_core.settings import Setting, flag, number, one_of, optional, path, text, text_list

RUNTIMES = ("pyodide", "micropython")


def _base_url(value: str) -> str:
    return value if value.endswith("/") else value + "/"


def _settings(project_root: Path) -> tuple[Setting, ...]:
    return (
        # None: publish npm's pyodide in output/pyodide/<version>/. Else a URL ending in "/"
        # of a full Pyodide distribution (your own host or a CDN you choose).
        Setting("PYODIDE_BASE_URL", None, optional(lambda value: _base_url(text(value)))),
        # Extra packages loaded with pyodide.loadPackage before the first run.
        Setting("PYODIDE_PACKAGES", [], text_list),
        # Seconds the browser waits for loadPyodide before it shows an error.
        Setting("PYODIDE_LOAD_TIMEOUT", 60, number(0, 3600, above=True)),
        Setting("PYODIDE_NPM_PACKAGE", str(project_root / "node_modules" / "pyodide"), path),
        Setting("PYODIDE_WIDGETS_PATH", str(project_root / "widgets"), path),
        Setting("PYODIDE_COMPRESS_CACHE", str(project_root / ".cache" / "pyodide_widgets"), path),
        Setting("PYODIDE_BROTLI_QUALITY", 11, number(0, 11, whole=True)),
        # The runtime of a `::: widget` block that has no `runtime:` option.
        Setting("WIDGETS_RUNTIME", "pyodide", one_of(*RUNTIMES)),
        Setting(
            "MICROPYTHON_NPM_PACKAGE",
            str(project_root / "node_modules" / "@micropython" / "micropython-webassembly-pyscript"),
            path,
        ),
        # Node.js runs each MicroPython widget at build time to check it against CPython.
        Setting("MICROPYTHON_NODE", "node", text),
        # Publish a standard library with only what the widgets import (stdlib.py; needs Node).
        Setting("PYODIDE_TRIM_STDLIB", True, flag),
    )


class WidgetSettings(NamedTuple):
    base_url: str | None
    packages: tuple[str, ...]
    load_timeout: float
    npm_package: Path
    widgets_path: Path
    compress_cache: Path
    brotli_quality: int
    default_runtime: str  # "pyodide" or "micropython"
    micropython_package: Path
    node: str
    trim_stdlib: bool

    @property
    def self_hosted(self) -> bool:
        return self.base_url is None


def project_root(settings: Mapping[str, Any]) -> Path:
    """The folder that holds the content folder: node_modules/ and widgets/ live there."""
    return Path(settings.get("PATH", ".")).resolve().parent


def read_settings(settings: Mapping[str, Any]) -> WidgetSettings:
    """The plugin's view of Pelican's settings, with defaults filled in."""
    values = core_settings.read(settings, _settings(project_root(settings)))
    return WidgetSettings(
        base_url=values["PYODIDE_BASE_URL"],
        packages=values["PYODIDE_PACKAGES"],
        load_timeout=values["PYODIDE_LOAD_TIMEOUT"],
        npm_package=values["PYODIDE_NPM_PACKAGE"],
        widgets_path=values["PYODIDE_WIDGETS_PATH"],
        compress_cache=values["PYODIDE_COMPRESS_CACHE"],
        brotli_quality=values["PYODIDE_BROTLI_QUALITY"],
        default_runtime=values["WIDGETS_RUNTIME"],
        micropython_package=values["MICROPYTHON_NPM_PACKAGE"],
        node=values["MICROPYTHON_NODE"],
        trim_stdlib=values["PYODIDE_TRIM_STDLIB"],
    )
