"""The plugin's settings: defaults merged under the user's values, never written back.

A value of the wrong type logs a warning and falls back to the default, the
way Pelican treats its own settings.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[2]

DEFAULTS: dict[str, object] = {
    # None: publish npm's pyodide in output/pyodide/<version>/. Else a URL ending in "/"
    # of a full Pyodide distribution (your own host or a CDN you choose).
    "PYODIDE_BASE_URL": None,
    # Extra packages loaded with pyodide.loadPackage before the first run: names from the
    # distribution at PYODIDE_BASE_URL, or site-relative / absolute URLs of wheels.
    "PYODIDE_PACKAGES": [],
    # Seconds the browser waits for loadPyodide before it shows an error.
    "PYODIDE_LOAD_TIMEOUT": 60,
    "PYODIDE_NPM_PACKAGE": str(PROJECT_ROOT / "node_modules" / "pyodide"),
    "PYODIDE_WIDGETS_PATH": str(PROJECT_ROOT / "widgets"),
    "PYODIDE_COMPRESS_CACHE": str(PROJECT_ROOT / ".cache" / "pyodide_widgets"),
    "PYODIDE_BROTLI_QUALITY": 11,
}


@dataclass(frozen=True)
class WidgetSettings:
    base_url: str | None
    packages: tuple[str, ...]
    load_timeout: float
    npm_package: Path
    widgets_path: Path
    compress_cache: Path
    brotli_quality: int

    @property
    def self_hosted(self) -> bool:
        return self.base_url is None


def _checked(settings: dict, key: str, types: tuple[type, ...]) -> object:
    value = settings.get(key, DEFAULTS[key])
    if value is None and DEFAULTS[key] is None:
        return None
    if not isinstance(value, types) or isinstance(value, bool):
        logger.warning(
            "pyodide_widgets: %s should be %s, got %r; using the default %r",
            key,
            " or ".join(t.__name__ for t in types),
            value,
            DEFAULTS[key],
        )
        return DEFAULTS[key]
    return value


def read_settings(settings: dict) -> WidgetSettings:
    """The plugin's view of Pelican's settings, with defaults filled in."""
    base_url = _checked(settings, "PYODIDE_BASE_URL", (str,))
    if isinstance(base_url, str) and not base_url.endswith("/"):
        base_url += "/"
    packages = _checked(settings, "PYODIDE_PACKAGES", (list, tuple))
    timeout = _checked(settings, "PYODIDE_LOAD_TIMEOUT", (int, float))
    if timeout <= 0:
        logger.warning("pyodide_widgets: PYODIDE_LOAD_TIMEOUT must be positive; using 60")
        timeout = 60
    quality = _checked(settings, "PYODIDE_BROTLI_QUALITY", (int,))
    return WidgetSettings(
        base_url=base_url,
        packages=tuple(str(p) for p in packages),
        load_timeout=float(timeout),
        npm_package=Path(_checked(settings, "PYODIDE_NPM_PACKAGE", (str, Path))),
        widgets_path=Path(_checked(settings, "PYODIDE_WIDGETS_PATH", (str, Path))),
        compress_cache=Path(_checked(settings, "PYODIDE_COMPRESS_CACHE", (str, Path))),
        brotli_quality=min(max(int(quality), 0), 11),
    )
