"""What an author asked for (DemoRequest) and what one demo process did (RunOutcome).

The result types other plugins read (DemoResult, DemoFailure, EnergyReading)
live in plugin_core.demo_link. Nothing here imports Pelican: the runner and the
benchmarks use these types too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from plugin_core.demo_link import DemoFailure

FIGURE_FORMATS = ("svg", "png")  # the first is the default


@dataclass(frozen=True)  # not a NamedTuple: `artifacts` defaults to a fresh dict
class RunOutcome:
    """What one demo process did, as seen from outside it (runner.run_demo)."""

    returncode: int
    stdout: str
    stderr: str
    output_truncated: bool
    wall_seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    started_at: float  # time.time() when the process started
    figures: tuple[Path, ...] = ()
    artifacts: dict[str, Path] = field(default_factory=dict)
    imported_modules: tuple[str, ...] = ()
    failure: DemoFailure | None = None
    isolation: str = ""  # "pid namespace" or "process group" (child.contain)
    escaped: tuple[str, ...] = ()  # processes found outside the group after the run, killed

    @property
    def ok(self) -> bool:
        return self.failure is None


class DemoRequest(NamedTuple):
    """One `::: demo` block as the author wrote it (paths relative to the project root)."""

    script: str
    post: str  # the post's path, as reported in errors
    line: int  # line of the block in the post
    caption: str = ""
    timeout: float | None = None
    memory_mb: int | None = None
    data: tuple[str, ...] = ()
    allow_error: bool = False
    show_source: bool = False
    figure_format: str = FIGURE_FORMATS[0]
