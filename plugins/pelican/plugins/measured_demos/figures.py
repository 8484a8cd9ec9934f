"""The figures a demo saves: a size budget for each, and their size on the page.

An SVG keeps every point as text: a 300,000-point scatter weighs ~31 MB, and
every reader would download it. Above DEMOS_FIGURE_BUDGET_KB the demo's run
counts as failed (nothing is cached, the build fails) with the figure's number,
its size and the ways to shrink it. No Pelican here: the batch uses this.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Sequence
from pathlib import Path

from plugin_core.demo_link import DemoFailure

KIND = "FigureTooLarge"
SVG_SIZE = re.compile(rb'<svg[^>]*?\swidth="(?P<w>[\d.]+)pt"\s+height="(?P<h>[\d.]+)pt"', re.S)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def over_budget(figures: Sequence[Path], budget_kb: int | None, figure_format: str) -> DemoFailure | None:
    """A failure naming every figure above `budget_kb` (None: no budget), or None."""
    if not budget_kb:
        return None
    too_large = []
    for number, path in enumerate(figures, start=1):
        size = path.stat().st_size
        if size > budget_kb * 1024:
            too_large.append(f"figure {number} ({path.name}) is {human_bytes(size)}")
    if not too_large:
        return None
    fixes = "pass rasterized=True to the call that draws many points (plt.scatter(x, y, rasterized=True)), "
    if figure_format == "png":
        fixes += "plot fewer points, or save it smaller (plt.figure(dpi=...), figsize=...)"
    else:
        fixes += "plot fewer points, or add 'figure-format: png' to the block"
    return DemoFailure(
        KIND,
        f"{'; '.join(too_large)}, over the figure budget of {budget_kb} KB (DEMOS_FIGURE_BUDGET_KB); {fixes}",
    )


def human_bytes(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{size / 1024:.0f} KB"


def display_size(path: Path) -> tuple[int, int] | None:
    """Width and height in CSS pixels, so the page does not jump while the image loads."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(2048)
    except OSError:
        return None
    if head.startswith(PNG_SIGNATURE) and head[12:16] == b"IHDR":
        width, height = struct.unpack(">II", head[16:24])  # pixels: Matplotlib's dpi is per inch
        return width, height
    match = SVG_SIZE.search(head)
    if not match:
        return None
    return round(float(match["w"]) * 4 / 3), round(float(match["h"]) * 4 / 3)  # pt -> px
