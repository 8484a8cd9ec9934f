"""The plugin's settings: listed once here, read and checked once per build.

A bad value is a content error naming the setting (plugin_core.settings).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from plugin_core import settings as core_settings
from plugin_core.settings import Setting, flag, number, optional, path, text, text_list

from .executors import LOCAL, executor_address
from .meter import DEFAULT_WATTS_PER_GB, POWERCAP, MeterConfig

SETTINGS = (
    Setting("DEMOS_CACHE_PATH", "_demo_cache", path),  # relative to the project root
    Setting("DEMOS_ROOT", None, optional(path)),  # None: the folder that holds PATH
    Setting("DEMOS_TIMEOUT", 120.0, number(0, 86_400, above=True)),  # seconds per demo
    Setting("DEMOS_MEMORY_LIMIT_MB", 2048, optional(number(0, whole=True))),  # 0/None: no cap
    Setting("DEMOS_OUTPUT_LIMIT", 20_000, number(1, whole=True)),  # bytes kept per stream
    Setting("DEMOS_FIGURE_BUDGET_KB", 1024, optional(number(1, whole=True))),  # per figure; None: none
    Setting("DEMOS_WORKERS", 1, number(1, 64, whole=True), environment=True),
    Setting("DEMOS_THREADS", 1, number(1, 256, whole=True)),  # BLAS/OpenMP threads per demo
    Setting("DEMOS_SEED", 0, number(0, 2**32 - 1, whole=True)),
    Setting("DEMOS_RERUN", [], text_list),  # scripts to run even when cached, or "all"
    Setting("DEMOS_PRUNE", True, flag),  # delete cache entries this build did not use
    Setting("CPU_WATTS_PER_CORE", None, optional(number(0, 1000, above=True))),
    Setting("MEMORY_WATTS_PER_GB", DEFAULT_WATTS_PER_GB, number(0, 100)),
    Setting("DEMOS_POWERCAP_PATH", str(POWERCAP), text),
    # "local" (a pool of DEMOS_WORKERS processes here) or a Dask scheduler address
    Setting("DEMOS_EXECUTOR", LOCAL, executor_address, environment=True),
    # seconds for all uncached demos together; None: the sum of their timeouts + 60 s
    Setting("DEMOS_BATCH_TIMEOUT", None, optional(number(0, above=True)), environment=True),
)


class DemoSettings(NamedTuple):
    root: Path
    cache_path: Path
    output_path: Path
    timeout: float
    memory_limit_mb: int | None
    output_limit: int
    figure_budget_kb: int | None
    workers: int
    threads: int
    seed: int
    rerun: frozenset[str]  # script paths relative to root; "all" means every demo
    prune: bool
    meter: MeterConfig
    region: str = ""  # the core's CARBON_REGION, recorded with every run
    executor: str = LOCAL  # "local" or a scheduler address, e.g. tcp://10.0.0.5:8786
    batch_timeout: float | None = None

    def should_rerun(self, script: str) -> bool:
        return "all" in self.rerun or script in self.rerun

    @classmethod
    def from_settings(
        cls, settings: Mapping[str, Any], environ: Mapping[str, str] = os.environ
    ) -> DemoSettings:
        values = core_settings.read(settings, SETTINGS, environ)
        root = values["DEMOS_ROOT"] or Path(settings.get("PATH", ".")).resolve().parent
        root = Path(root).resolve()
        return cls(
            root=root,
            cache_path=root / values["DEMOS_CACHE_PATH"],
            output_path=Path(settings.get("OUTPUT_PATH", "output")).resolve(),
            timeout=values["DEMOS_TIMEOUT"],
            memory_limit_mb=values["DEMOS_MEMORY_LIMIT_MB"] or None,
            output_limit=values["DEMOS_OUTPUT_LIMIT"],
            figure_budget_kb=values["DEMOS_FIGURE_BUDGET_KB"],
            workers=values["DEMOS_WORKERS"],
            threads=values["DEMOS_THREADS"],
            seed=values["DEMOS_SEED"],
            rerun=_rerun(values["DEMOS_RERUN"], environ.get("DEMOS_RERUN", "")),
            prune=values["DEMOS_PRUNE"],
            meter=MeterConfig(
                watts_per_core=values["CPU_WATTS_PER_CORE"],
                watts_per_gb=values["MEMORY_WATTS_PER_GB"],
                powercap=Path(values["DEMOS_POWERCAP_PATH"]),
            ),
            executor=values["DEMOS_EXECUTOR"],
            batch_timeout=values["DEMOS_BATCH_TIMEOUT"],
        )


def _rerun(setting: tuple[str, ...], environment: str) -> frozenset[str]:
    """DEMOS_RERUN from the settings and the environment: paths, comma-separated, or 'all'."""
    names = [*setting, *environment.split(",")]
    return frozenset(os.path.normpath(n.strip()) if n.strip() != "all" else "all" for n in names if n.strip())
