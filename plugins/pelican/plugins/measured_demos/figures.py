"""The figures a demo saves (SVG or PNG): their size on the page."""

from __future__ import annotations

import re
import struct
from pathlib import Path

SVG_SIZE = re.compile(rb'<svg[^>]*?\swidth="(?P<w>[\d.]+)pt"\s+height="(?P<h>[\d.]+)pt"', re.S)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


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
