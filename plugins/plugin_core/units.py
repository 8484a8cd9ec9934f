"""Quantities as a reader sees them, worded the same wherever they appear.

Bytes in kB/MB (decimal, as the SWD model counts them), grams and joules to
three significant figures. Shared by the footprint page, the demo labels and
the email edition, so a figure reads the same on the page and in the inbox.
"""

from __future__ import annotations

from plugin_core.numbers import significant


def format_bytes(count: int | float) -> str:
    """812 B, 6.1 kB, 2.65 MB (1 kB = 1,000 bytes)."""
    count = float(count)
    if count < 1000:
        return f"{count:.0f}\u00a0B"
    if count < 1_000_000:
        return f"{count / 1000:.1f}\u00a0kB"
    return f"{count / 1_000_000:.2f}\u00a0MB"


def format_grams(grams: float) -> str:
    """CO2e mass: 0.00163 g, 1.2 g, 3.4 kg."""
    if grams >= 1000:
        return f"{significant(grams / 1000)}\u00a0kg"
    return f"{significant(grams)}\u00a0g"


def format_joules(joules: float) -> str:
    """Energy in J, with Wh for larger amounts: 12.3 J, 5.4 kJ (1.5 Wh)."""
    if joules >= 1000:
        return f"{significant(joules / 1000)}\u00a0kJ ({significant(joules / 3600)}\u00a0Wh)"
    return f"{significant(joules)}\u00a0J"


def energy_text(joules: float) -> tuple[str, str]:
    """('12.3 J', '0.00342 Wh'): three significant figures each (a demo's label)."""
    return f"{significant(joules)} J", f"{significant(joules / 3600)} Wh"


def co2e_text(grams: float) -> str:
    """'2.5 g CO2e' or '2.37 mg CO2e' (a demo's label)."""
    if grams >= 1:
        return f"{significant(grams)} g CO\u2082e"
    return f"{significant(grams * 1000)} mg CO\u2082e"
