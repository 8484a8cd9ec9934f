"""Each issue's receipt: made from the demos in the content step, completed at the end.

The receipt is plain data (plugin_core.receipt) set on the article, so the theme's
partial and the email edition show the same bill. The page's own view cost and
the widget download are only known once every page is written; `complete` fills
them in from the report, the same numbers the Footprint page shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from plugin_core.contents import url_of
from plugin_core.demo_link import DemoBuild, DemoResult
from plugin_core.receipt import Receipt, ReceiptDemo, TransferCost, ViewCost, WidgetCost
from plugin_core.swd import CO2JS_VERSION, MODEL_NAME, transfer_share_grams_per_byte
from plugin_core.units import format_bytes, format_grams, format_joules, grouped

RECEIPT_FILTERS = {
    "receipt_joules": format_joules,
    "receipt_grams": format_grams,
    "receipt_number": grouped,
}


def transfer_cost(grid_intensity: float, green_hosting_factor: float, encoding: str) -> TransferCost:
    return TransferCost(
        transfer_share_grams_per_byte(grid_intensity, green_hosting_factor),
        f"{MODEL_NAME} (CO2.js {CO2JS_VERSION}), data-centre and network share, "
        f"operational at {grid_intensity:g} g/kWh, embodied at the model's 494 g/kWh",
        encoding,
    )


def receipt_demo(result: DemoResult) -> ReceiptDemo:
    span = result.energy_range
    per_gram = result.intensity.g_per_kwh / 3_600_000
    return ReceiptDemo(
        script=result.script,
        kind=result.energy.kind,
        energy_joules=result.energy_per_run,
        energy_joules_low=span.low_joules if span else None,
        energy_joules_high=span.high_joules if span else None,
        co2e_grams=result.co2e_grams,
        co2e_grams_low=span.low_joules * per_gram if span else None,
        co2e_grams_high=span.high_joules * per_gram if span else None,
    )


def attach(articles: Iterable[Any], demos: DemoBuild | None) -> None:
    """`article.receipt` for every article (pages have none: they are not issues)."""
    by_url = {page.url: page for page in demos.pages} if demos else {}
    for article in articles:
        page = by_url.get(url_of(article))
        results = [r for r in page.results if r.ok] if page else []
        article.receipt = Receipt(
            demos=tuple(receipt_demo(result) for result in results),
            has_widgets=bool(getattr(article, "has_widgets", False)),
        )


def widget_cost(report: dict[str, Any], cost: TransferCost) -> WidgetCost:
    download = int(report["widget_runtime"]["transfer_bytes"])
    return WidgetCost(download, download * cost.grams_per_byte)


def widget_text(widget: WidgetCost) -> str:
    """The receipt's line for one widget run (HTML)."""
    low, high = widget.laptop_watts
    return (
        f"a first run downloads {format_bytes(widget.download_bytes)} (compressed, as the Footprint "
        f"page counts it): an estimated {format_grams(widget.download_co2e_grams)} CO<sub>2</sub>e for "
        f"the network and data centre (SWD v4 share). Your device then uses an estimated "
        f"{low:g} to {high:g} J per second of running on a laptop, "
        f"or at most {widget.phone_watts:g} J per second on a phone"
    )


def complete(articles: Iterable[Any], report: dict[str, Any], cost: TransferCost) -> None:
    """Fill each receipt's view and widget figures from the final report."""
    rows = {page.url: page for page in report["pages"]}
    widget = widget_cost(report, cost)
    for article in articles:
        receipt = getattr(article, "receipt", None)
        if not isinstance(receipt, Receipt):
            continue
        row = rows.get(url_of(article))
        if row is not None:
            receipt.view = ViewCost(row.transfer_bytes, row.co2e_grams_per_view)
        if receipt.has_widgets:
            receipt.widget_download = widget
