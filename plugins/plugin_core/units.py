"""Quantities as a reader sees them, worded the same wherever they appear.

One unit per quantity across the site: bytes in kB/MB (decimal, as the SWD
model counts them), CO2e in mg, energy in J with Wh beside it; two significant
figures for estimates, as much as they support. Shared by the footprint page,
the demo labels and the email edition, so a figure reads the same on the page
and in the inbox.
"""

from __future__ import annotations

from plugin_core.numbers import significant

DIGITS = 2


def format_bytes(count: int | float) -> str:
    """812 B, 6.1 kB, 2.65 MB (1 kB = 1,000 bytes)."""
    count = float(count)
    if count < 1000:
        return f"{count:.0f}\u00a0B"
    if count < 1_000_000:
        return f"{count / 1000:.1f}\u00a0kB"
    return f"{count / 1_000_000:.2f}\u00a0MB"


def grouped(value: float, digits: int = DIGITS) -> str:
    """`significant`, with thousands separated: 1,200 rather than 1200."""
    text = significant(value, digits)
    whole, dot, fraction = text.partition(".")
    return f"{int(whole):,}{dot}{fraction}" if abs(value) >= 1000 else text


def format_grams(grams: float) -> str:
    """CO2e, always in mg: 1.6 mg, 1,200 mg."""
    return f"{grouped(grams * 1000)}\u00a0mg"


def format_joules(joules: float) -> str:
    """Energy, always in J with Wh beside it: 45 J (0.012 Wh)."""
    return f"{grouped(joules)}\u00a0J ({significant(joules / 3600, DIGITS)}\u00a0Wh)"


def format_joules_range(low: float | None, high: float | None) -> str:
    """'range 11 to 54 J', or '' for a counter reading (no range)."""
    if low is None or high is None:
        return ""
    return f"range {grouped(low)} to {grouped(high)}\u00a0J"


def format_grams_range(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return ""
    return f"range {grouped(low * 1000)} to {grouped(high * 1000)}\u00a0mg"


def energy_text(joules: float, digits: int = 3) -> tuple[str, str]:
    """('12.3 J', '0.00342 Wh') for a demo's label; an estimate passes digits=2."""
    return f"{significant(joules, digits)} J", f"{significant(joules / 3600, digits)} Wh"


def co2e_text(grams: float, digits: int = 3) -> str:
    """CO2e in mg, the one unit the site uses for it (pages, demos, receipts, email)."""
    return f"{grouped(grams * 1000, digits)} mg CO\u2082e"


def sentence(text: str) -> str:
    """`text` with a capital first letter and a full stop, the rest untouched."""
    text = str(text).strip().rstrip(".")
    return f"{text[:1].upper()}{text[1:]}." if text else ""
