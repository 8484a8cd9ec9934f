"""PNG copies of SVG figures, written next to the SVG in the output.

Most mail clients (Gmail, Outlook) show no SVG, so the email links a PNG
hosted on the site. resvg renders it (a wheel with no system library); the
fonts are matplotlib's own DejaVu files, the ones the demo figures name, so
the PNG looks the same on any machine. No Pelican import here.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from pathlib import Path

logger = logging.getLogger(__name__)

CSS_DPI = 96  # SVG sizes in pt are converted at 96 px per inch, as browsers do


class FigureError(Exception):
    """An SVG that cannot be turned into a PNG; the message names the file."""


def _font_dirs() -> list[str]:
    """matplotlib's own fonts folder, found without importing matplotlib (half a second)."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:  # no matplotlib: the system's fonts only
        return []
    fonts = os.path.join(spec.submodule_search_locations[0], "mpl-data", "fonts", "ttf")
    return [fonts] if os.path.isdir(fonts) else []


def png_path(svg: Path) -> Path:
    return svg.with_suffix(".png")


def make_png(svg: Path, scale: float = 2.0) -> Path:
    """Render `svg` to `<same name>.png` beside it (kept when already newer); return the PNG."""
    target = png_path(svg)
    if target.exists() and target.stat().st_mtime_ns >= svg.stat().st_mtime_ns:
        return target
    import resvg_py  # 0.9 MB of native code, loaded only when a figure is drawn

    fonts = _font_dirs()
    try:
        data = resvg_py.svg_to_bytes(
            svg_string=svg.read_text(encoding="utf-8"),
            dpi=CSS_DPI,
            zoom=float(scale),
            background="#ffffff",  # mail clients in dark mode would show a transparent plot black on black
            skip_system_fonts=bool(fonts),
            font_dirs=fonts or None,
        )
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise FigureError(f"{svg}: cannot make a PNG copy for the email: {error}") from None
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, target)
    return target
