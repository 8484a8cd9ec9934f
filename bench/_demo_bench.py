"""Shared bits of the demo benchmarks: import path and a fixed-CPU-time demo."""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(PROJECT / "plugins"), str(PROJECT)]

BUSY_DEMO = """\
import time
start = time.process_time()
while time.process_time() - start < {seconds}:
    sum(i * i for i in range(1000))
print("done")
"""


def write_busy_demo(path: Path, seconds: float = 0.5) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(BUSY_DEMO.format(seconds=seconds))
    return path


def median(values: list[float]) -> float:
    return statistics.median(values)
