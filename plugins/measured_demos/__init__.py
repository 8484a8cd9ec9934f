"""Measured demos: run ML demo scripts at build time and embed their output, figures,
and the energy and CO2e they cost, cached by content in a committed folder.

Modules: directive (the `::: demo` block), runner and child (the demo's own process),
meter (RAPL, NVML or estimate), carbon (intensity and CO2e), cache (the committed
folder), execute (one build's batch), render (HTML), plugin (signal wiring).
"""

from .plugin import register, results_for

__all__ = ["register", "results_for"]
