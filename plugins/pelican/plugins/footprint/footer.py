"""Stamp each written page's own weight and CO2 per view into its footer.

The theme's footer partial leaves an empty slot between two comments:

    <!--footprint:page--><!--/footprint:page-->

After the page is written we measure it, put the figures in the slot, and
measure again: the stamp adds bytes, so we repeat until the figures shown are
those of the page as it is finally written (a fixed point, usually reached in
two rounds; when the size sits on a rounding boundary and the figures flip,
a short padding comment that changes each round breaks the cycle). Figures are
shown rounded (0.1 kB, three significant figures of CO2e), so the page states
its own size including the stamp.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from html import escape
from typing import NamedTuple

from plugin_core.compression import encoded_size
from plugin_core.swd import estimate
from plugin_core.units import format_bytes, format_grams

from .fixed_point import padding, settle
from .transfer import PageTransfer

logger = logging.getLogger(__name__)

SLOT = re.compile(r"(<!--footprint:page-->)(.*?)(<!--/footprint:page-->)", re.DOTALL)
# The receipt (theme partial receipt.html) shows the same per-view figure.
VIEW_SLOT = re.compile(r"(<!--footprint:view-->)(.*?)(<!--/footprint:view-->)", re.DOTALL)
WIDGET_SLOT = re.compile(r"(<!--footprint:widget-->)(.*?)(<!--/footprint:widget-->)", re.DOTALL)


class Stamped(NamedTuple):
    html: bytes
    transfer: PageTransfer
    exact: bool  # False if the figures shown are one rounding step off


def has_slot(html: str) -> bool:
    return SLOT.search(html) is not None or VIEW_SLOT.search(html) is not None


def stamp_text(transfer: PageTransfer, grid_intensity: float, green_hosting_factor: float) -> str:
    grams = estimate(transfer.transfer_bytes, grid_intensity, green_hosting_factor).co2e_grams
    return (
        f'<span class="footprint-page">This page: {format_bytes(transfer.transfer_bytes)} '
        f"transferred, an estimated {escape(format_grams(grams))} CO<sub>2</sub>e per view.</span> "
    )


def view_text(transfer: PageTransfer, grid_intensity: float, green_hosting_factor: float) -> str:
    """The receipt's line: the same figures as the footer, with the model named."""
    grams = estimate(transfer.transfer_bytes, grid_intensity, green_hosting_factor).co2e_grams
    return (
        f"an estimated {escape(format_grams(grams))} CO<sub>2</sub>e per first view "
        f"({format_bytes(transfer.transfer_bytes)} transferred; Sustainable Web Design model v4)"
    )


def _slot_empty(html: str) -> bool:
    """Whether `with_stamp(html, "")` would leave `html` as it is (without copying it)."""
    found = SLOT.search(html)
    return found is None or found.group(2) == ""


def with_stamp(html: str, text: str, view: str = "") -> str:
    html = SLOT.sub(lambda m: m.group(1) + text + m.group(3), html, count=1)
    return VIEW_SLOT.sub(lambda m: m.group(1) + view + m.group(3), html, count=1) if view else html


def with_widget_cost(html: str, text: str) -> str:
    return WIDGET_SLOT.sub(lambda m: m.group(1) + text + m.group(3), html)


def has_widget_slot(html: str) -> bool:
    return WIDGET_SLOT.search(html) is not None


def unstamped(html: str) -> str:
    """`html` with every slot this module fills emptied again: the page as rendered."""
    for slot in (SLOT, VIEW_SLOT, WIDGET_SLOT):
        html = slot.sub(lambda m: m.group(1) + m.group(3), html)
    return html


def stamp(
    html: str,
    measured: PageTransfer,
    encoding: str,
    grid_intensity: float,
    green_hosting_factor: float = 0.0,
    sizes: Callable[[bytes], int] | None = None,
) -> Stamped:
    """Fill the footer slot of `html` with the page's own weight and CO2e per view.

    `measured` is the page as measured before stamping; only the HTML's size
    changes with the stamp, the resources it loads do not. `sizes(data)` gives
    the compressed size of a candidate page (a build passes its remembered sizes).
    """
    sizes = sizes or (lambda data: encoded_size(data, encoding))

    def shown(state: tuple[str, PageTransfer]) -> str:
        return stamp_text(state[1], grid_intensity, green_hosting_factor)

    def stamped(text: str, pad: int) -> tuple[str, PageTransfer]:
        # The receipt's view line is worked out from the same figures as the footer's text.
        view = ""
        if text and VIEW_SLOT.search(html):
            view = view_text(transfer_of[text], grid_intensity, green_hosting_factor)
        page = with_stamp(html, text + padding(pad), view)
        data = page.encode("utf-8")
        return page, measured._replace(html_raw_bytes=len(data), html_transfer_bytes=sizes(data))

    transfer_of: dict[str, PageTransfer] = {}

    def shown_and_kept(state: tuple[str, PageTransfer]) -> str:
        text = shown(state)
        transfer_of[text] = state[1]
        return text

    # An empty slot is the page as measured: start from that, without compressing it again.
    first = (html, measured) if _slot_empty(html) else stamped("", 0)
    (page, transfer), exact = settle(shown_and_kept, stamped, first)
    if not exact:
        logger.warning("footprint: %s: the footer's figures did not settle; they may be one "
                       "rounding step off", measured.path)
    return Stamped(page.encode("utf-8"), transfer, exact)
