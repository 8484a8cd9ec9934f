"""The range an energy estimate can lie in, from the inputs a cache record already holds.

Worked out when a page is rendered, never stored: every committed entry gets a
range without running again. Both ends are other published methods applied to
the same run (CPU time, wall time, peak RSS):

- low end: CodeCarbon 3.3.2's fallback for an unknown CPU, 4 W per thread
  (`DEFAULT_POWER_PER_CORE`), our memory term, and the configured PUE (or none);
- central: what the meter recorded (Green Algorithms with CPU time, peak RSS,
  no PUE unless configured);
- high end: Green Algorithms applied in full: the memory allocated (the demo's
  memory cap) instead of peak RSS, and PUE 1.56 for an unknown data centre
  (Green Algorithms v3.0), or the configured PUE if it is higher.

A part read from counters (NVML beside an estimated CPU) is the same at both ends.
No Pelican import.
"""

from __future__ import annotations

from plugin_core.carbon import GREEN_ALGORITHMS_PUE
from plugin_core.demo_link import EnergyRange, EnergyReading

from .meter import DEFAULT_WATTS_PER_GB

CODECARBON_WATTS_PER_THREAD = 4.0
LOW_BASIS = (
    "CodeCarbon 3.3.2's figure for an unknown CPU, 4 W per thread (DEFAULT_POWER_PER_CORE), "
    "for the same CPU time"
)
HIGH_BASIS = (
    "Green Algorithms applied in full (Lannelongue et al. 2021, green-algorithms.org): "
    "{memory}, and PUE {pue:g}"
)


def estimate_range(
    energy: EnergyReading,
    *,
    cpu_seconds: float,
    wall_seconds: float,
    peak_rss_mb: float,
    allocated_mb: float | None,
    pue: float | None,
    watts_per_gb: float = DEFAULT_WATTS_PER_GB,
) -> EnergyRange | None:
    """The range of `energy`, or None when nothing in it is estimated."""
    estimated = energy.estimated_part
    if estimated <= 0 and not energy.method.startswith("estimate"):
        return None
    measured = energy.joules - estimated
    memory = peak_rss_mb / 1024 * watts_per_gb * wall_seconds
    # W per core the estimate used: recorded in its arithmetic, recovered exactly from it.
    per_core = (estimated - memory) / cpu_seconds if cpu_seconds > 0 else 0.0
    applied = pue or 1.0
    low_cpu = cpu_seconds * min(per_core, CODECARBON_WATTS_PER_THREAD)
    low = (low_cpu + memory + measured) * applied
    if allocated_mb and allocated_mb > peak_rss_mb:
        allocated = allocated_mb / 1024 * watts_per_gb * wall_seconds
        memory_text = f"memory allocated, the demo's {allocated_mb:g} MB cap (DEMOS_MEMORY_LIMIT_MB)"
    else:
        allocated = memory
        memory_text = "memory allocated unknown (no memory cap), so peak RSS"
    high_pue = max(applied, GREEN_ALGORITHMS_PUE)
    high = (cpu_seconds * per_core + allocated + measured) * high_pue
    central_basis = "the recorded estimate (Green Algorithms with CPU time and peak RSS)"
    central_basis += f", x PUE {pue:g}" if pue else ", PUE not applied"
    return EnergyRange(
        low_joules=low,
        central_joules=energy.joules * applied,
        high_joules=max(high, energy.joules * applied),
        low_basis=LOW_BASIS + (f", x PUE {pue:g}" if pue else ", PUE not applied"),
        central_basis=central_basis,
        high_basis=HIGH_BASIS.format(memory=memory_text, pue=high_pue),
    )
