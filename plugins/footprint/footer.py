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

import hashlib
import logging
import re
from dataclasses import dataclass, replace
from html import escape

from .encoding import encoded_size
from .swd import estimate
from .transfer import PageTransfer
from .units import format_bytes, format_grams

logger = logging.getLogger(__name__)

SLOT = re.compile(r"(<!--footprint:page-->)(.*?)(<!--/footprint:page-->)", re.DOTALL)
MAX_ROUNDS = 12
MAX_PADDING = 200


@dataclass(frozen=True)
class Stamped:
    html: bytes
    transfer: PageTransfer
    rounds: int
    exact: bool  # False if the figures shown are one rounding step off


def has_slot(html: str) -> bool:
    return SLOT.search(html) is not None


def stamp_text(transfer: PageTransfer, grid_intensity: float, green_hosting_factor: float) -> str:
    grams = estimate(transfer.transfer_bytes, grid_intensity, green_hosting_factor).co2e_grams
    return (
        f'<span class="footprint-page">This page: {format_bytes(transfer.transfer_bytes)} '
        f"transferred, {escape(format_grams(grams))} CO<sub>2</sub>e per view.</span> "
    )


def with_stamp(html: str, text: str) -> str:
    return SLOT.sub(lambda m: m.group(1) + text + m.group(3), html, count=1)


def stamp(
    html: str,
    measured: PageTransfer,
    encoding: str,
    grid_intensity: float,
    green_hosting_factor: float = 0.0,
) -> Stamped:
    """Fill the footer slot of `html` with the page's own weight and CO2e per view.

    `measured` is the page as measured before stamping; only the HTML's size
    changes with the stamp, the resources it loads do not.
    """

    def shown(transfer: PageTransfer) -> str:
        return stamp_text(transfer, grid_intensity, green_hosting_factor)

    def stamped(text: str) -> tuple[str, PageTransfer]:
        page = with_stamp(html, text)
        return page, _with_html(measured, page.encode("utf-8"), encoding)

    _, transfer = stamped("")
    tried: set[str] = set()
    for rounds in range(1, MAX_ROUNDS + 1):
        text = shown(transfer)
        if text in tried:
            break
        tried.add(text)
        page, transfer = stamped(text)
        if shown(transfer) == text:
            return Stamped(page.encode("utf-8"), transfer, rounds, exact=True)
    # The figures flip between two roundings (the size sits on a rounding boundary):
    # go on with a padding comment that grows each round, which breaks the cycle.
    for length in range(1, MAX_PADDING + 1):
        text = shown(transfer)
        page, transfer = stamped(text + padding(length))
        if shown(transfer) == text:
            return Stamped(page.encode("utf-8"), transfer, rounds + length, exact=True)
    logger.warning("footprint: %s: the footer's figures did not settle; they may be one "
                   "rounding step off", measured.path)
    return Stamped(page.encode("utf-8"), transfer, rounds, exact=False)


def padding(length: int) -> str:
    """An HTML comment of `length` hex digits. Hex barely compresses, so each digit
    adds about half a byte on the wire: enough to step a page's size up a little."""
    if length <= 0:
        return ""
    digits = "".join(hashlib.sha256(str(i).encode()).hexdigest() for i in range(length // 64 + 1))
    return f"<!--{digits[:length]}-->"


def _with_html(transfer: PageTransfer, html: bytes, encoding: str) -> PageTransfer:
    return replace(transfer, html_raw_bytes=len(html),
                   html_transfer_bytes=encoded_size(html, encoding))
