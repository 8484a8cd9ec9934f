"""Numbers as a reader sees them: significant figures, never e-notation."""

from __future__ import annotations

import math


def significant(value: float, digits: int = 3) -> str:
    """`value` to `digits` significant figures, never in e-notation.

    Readers meet 0.0000343, not 3.43e-05, and 420, not 421 or 4.2e+02;
    trailing zeros after the point go, as with `g`.
    """
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    # 421 to 2 figures is 420: a large number keeps no more digits than a small one.
    value = round(value, digits - 1 - math.floor(math.log10(abs(value))))
    text = f"{value:.{digits}g}"
    if "e" not in text:
        return text
    decimals = max(digits - 1 - math.floor(math.log10(abs(value))), 0)
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
