"""Demo figures that follow the page's colour scheme, one file for both.

Matplotlib writes literal colours (`fill: #000000`). Each distinct colour becomes
a CSS variable declared in a `<style>` inside the SVG, with a second value under
`prefers-color-scheme: dark`: black text and axes turn light, colours are
lightened until they stand out on the dark page. The figure keeps a background
of its own, the page's surface colour in each scheme (axes become transparent
over it), so no white block sits on a dark page.

Chromium shows an SVG in `<img>` in the reader's colour scheme even when the
embedding page (a feed reader) has none: a figure with a transparent background
would then draw light text on a light page. With its own background it is
legible on any page, in either scheme.
"""

from __future__ import annotations

import colorsys
import re

STYLE_ATTRIBUTE = re.compile(r'style="([^"]*)"')
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}\b")
BACKGROUND = 'style="fill: #ffffff"'  # figure and axes patches, nothing else
SVG_OPEN = re.compile(r"<svg\b[^>]*>")
LIGHT_BACKGROUND = "#f0eee6"  # theme --surface in light mode, behind demo figures
DARK_BACKGROUND = "#1f221d"  # theme --surface in dark mode
DARK_TEXT = "#e6e4dc"  # theme --text in dark mode
MIN_CONTRAST = 4.5


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def dark_variant(colour: str) -> str:
    """The colour to use on a dark page: greys flip, other colours get lighter."""
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    hue, lightness, saturation = colorsys.rgb_to_hls(r, g, b)
    if saturation < 0.1:  # black, greys, white: mirror the lightness
        if lightness < 0.2:
            return DARK_TEXT
        lightness = 1 - lightness
    while True:
        rgb = colorsys.hls_to_rgb(hue, lightness, saturation)
        candidate = "#" + "".join(f"{round(v * 255):02x}" for v in rgb)
        if contrast(candidate, DARK_BACKGROUND) >= MIN_CONTRAST or lightness >= 0.95:
            return candidate
        lightness = min(0.95, lightness + 0.03)


def themed_svg(svg: str) -> str:
    """`svg` with its colours as CSS variables that change in dark mode."""
    # The first white patch is the figure's background, the others the axes'.
    svg = svg.replace(BACKGROUND, 'style="fill: var(--paper)"', 1).replace(BACKGROUND, 'style="fill: none"')
    names: dict[str, str] = {}

    def variable(match: re.Match) -> str:
        colour = match.group(0).lower()
        names.setdefault(colour, f"--c{len(names)}")
        return f"var({names[colour]})"

    svg = STYLE_ATTRIBUTE.sub(lambda m: f'style="{HEX_COLOUR.sub(variable, m.group(1))}"', svg)
    light = "".join(f"{name}:{colour};" for colour, name in names.items())
    dark = "".join(f"{name}:{dark_variant(colour)};" for colour, name in names.items())
    dark_rules = f"--fg:{DARK_TEXT};--paper:{DARK_BACKGROUND};{dark}"
    style = (f"<style>svg{{--fg:#000000;--paper:{LIGHT_BACKGROUND};{light}}}text{{fill:var(--fg)}}"
             f"@media (prefers-color-scheme: dark){{svg{{{dark_rules}}}}}</style>")
    opening = SVG_OPEN.search(svg)
    if opening is None:
        return svg
    return svg[: opening.end()] + style + svg[opening.end():]
