"""The plugin's settings: defaults merged over a copy, checked, never written back.

A bad value warns and falls back to the default, the way Pelican treats its own settings.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {
    "DEMOS_CACHE_PATH": "_demo_cache",  # relative to the project root
    "DEMOS_ROOT": None,  # None: the folder that holds the content folder (PATH)
    "DEMOS_TIMEOUT": 120.0,  # seconds per demo; the directive's `timeout:` overrides it
    "DEMOS_MEMORY_LIMIT_MB": 2048,  # address-space cap per demo; 0 or None: no cap
    "DEMOS_OUTPUT_LIMIT": 20_000,  # bytes of stdout and of stderr kept per demo
    "DEMOS_WORKERS": 1,  # demos run at the same time
    "DEMOS_THREADS": 1,  # BLAS/OpenMP threads per demo
    "DEMOS_SEED": 0,
    "DEMOS_RERUN": [],  # script paths to run even when cached, or "all"
    "DEMOS_PRUNE": True,  # delete cache entries this build did not use
}


@dataclass(frozen=True)
class DemoSettings:
    root: Path
    cache_path: Path
    output_path: Path
    timeout: float
    memory_limit_mb: int | None
    output_limit: int
    workers: int
    threads: int
    seed: int
    rerun: frozenset[str]  # script paths relative to root; "all" means every demo
    prune: bool
    on_error: str  # "fail" or "warn" (NEWSLETTER_ON_ERROR)

    def should_rerun(self, script: str) -> bool:
        return "all" in self.rerun or script in self.rerun

    @classmethod
    def from_settings(
        cls, settings: Mapping[str, Any], environ: Mapping[str, str] = os.environ
    ) -> DemoSettings:
        merged = {**DEFAULTS, **{k: v for k, v in settings.items() if k in DEFAULTS}}
        root = Path(merged["DEMOS_ROOT"] or Path(settings.get("PATH", ".")).resolve().parent).resolve()
        cache_path = root / merged["DEMOS_CACHE_PATH"]
        memory = _number(merged, "DEMOS_MEMORY_LIMIT_MB", int, minimum=0)
        return cls(
            root=root,
            cache_path=cache_path,
            output_path=Path(settings.get("OUTPUT_PATH", "output")).resolve(),
            timeout=_number(merged, "DEMOS_TIMEOUT", float, minimum=0.001),
            memory_limit_mb=memory or None,
            output_limit=_number(merged, "DEMOS_OUTPUT_LIMIT", int, minimum=1),
            workers=_number(merged, "DEMOS_WORKERS", int, minimum=1),
            threads=_number(merged, "DEMOS_THREADS", int, minimum=1),
            seed=_number(merged, "DEMOS_SEED", int, minimum=0),
            rerun=_rerun(merged["DEMOS_RERUN"], environ.get("DEMOS_RERUN", "")),
            prune=bool(merged["DEMOS_PRUNE"]),
            on_error=str(settings.get("NEWSLETTER_ON_ERROR", "fail")),
        )


def _number(merged: dict[str, Any], name: str, kind: type, minimum: float) -> Any:
    value = merged[name]
    if value is None and name == "DEMOS_MEMORY_LIMIT_MB":
        return 0
    try:
        number = kind(value)
        if number < minimum:
            raise ValueError
        return number
    except (TypeError, ValueError):
        logger.warning(
            "measured_demos: setting %s = %r is not a number >= %s; using the default %r",
            name,
            value,
            minimum,
            DEFAULTS[name],
        )
        return DEFAULTS[name]


def _rerun(setting: Any, environment: str) -> frozenset[str]:
    """DEMOS_RERUN from the settings and the environment: paths, comma-separated, or 'all'."""
    names: set[str] = set()
    for value in (setting, environment):
        if isinstance(value, str):
            value = value.split(",")
        for name in value or ():
            name = str(name).strip()
            if name:
                names.add(os.path.normpath(name) if name != "all" else name)
    return frozenset(names)
