"""What one issue cost, as plain data any renderer can show (page, feed, email edition).

The footprint plugin makes a `Receipt` for every article in its content step and
sets it as `article.receipt`; the theme's `partials/receipt.html` renders it, and
another renderer (the email edition) can read the same object. Two figures are
only known once every page is written: the page's own transfer and CO2e per view,
and the bytes of the widget runtime. They are filled in at the footprint's finish
step (`view` and `widget_download`), and on the page through slots the footer
stamp fills, so the page shows the same numbers as the Footprint page.

`ReaderDevice` holds the cited power range a widget run is costed with; the
widget loader gets the same numbers, so the page, the receipt and the live
message agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

# Device power for a reader's estimate (REFERENCE.md section 6).
LAPTOP_WATTS = (8.0, 30.0)  # whole system, Mahesri & Vardhan 2004
LAPTOP_SOURCE = "Mahesri & Vardhan 2004: laptops draw about 8-30 W as a whole system"
PHONE_WATTS = 3.0  # an upper bound
PHONE_SOURCE = "Carroll & Heiser, USENIX ATC 2010: a phone draws a few watts at most"


class TransferCost(NamedTuple):
    """SWD v4's network and data-centre share per byte transferred (the device's share is
    costed by time instead); published by the footprint plugin for the widgets."""

    grams_per_byte: float
    label: str
    encoding: str = "gzip"  # how the Footprint page counts transferred bytes


class ReceiptDemo(NamedTuple):
    script: str
    kind: str  # "estimated", "measured", "estimated and measured"
    energy_joules: float  # central, PUE included when configured
    energy_joules_low: float | None  # None: a counter reading, no range
    energy_joules_high: float | None
    co2e_grams: float
    co2e_grams_low: float | None
    co2e_grams_high: float | None


class ViewCost(NamedTuple):
    transfer_bytes: int
    co2e_grams: float  # SWD v4, first view


class WidgetCost(NamedTuple):
    """What one widget run costs a reader: the first download, and device energy per second."""

    download_bytes: int  # compressed, as the Footprint page counts it
    download_co2e_grams: float  # SWD network + data-centre share
    laptop_watts: tuple[float, float] = LAPTOP_WATTS
    phone_watts: float = PHONE_WATTS


@dataclass
class Receipt:
    """One issue's bill. Complete after the footprint plugin's finish step."""

    demos: tuple[ReceiptDemo, ...] = ()
    has_widgets: bool = False
    view: ViewCost | None = None
    widget_download: WidgetCost | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def demos_energy(self) -> tuple[float, float, float]:
        """(low, central, high) joules of all demos; a counter reading counts the same at both ends."""
        demos = self.demos
        return (
            sum(d.energy_joules if d.energy_joules_low is None else d.energy_joules_low for d in demos),
            sum(d.energy_joules for d in demos),
            sum(d.energy_joules if d.energy_joules_high is None else d.energy_joules_high for d in demos),
        )

    @property
    def demos_co2e(self) -> tuple[float, float, float]:
        return (
            sum(d.co2e_grams if d.co2e_grams_low is None else d.co2e_grams_low for d in self.demos),
            sum(d.co2e_grams for d in self.demos),
            sum(d.co2e_grams if d.co2e_grams_high is None else d.co2e_grams_high for d in self.demos),
        )

    @property
    def demos_kind(self) -> str:
        kinds = {d.kind for d in self.demos}
        return kinds.pop() if len(kinds) == 1 else "estimated and measured"
