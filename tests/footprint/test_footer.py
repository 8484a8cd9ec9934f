"""A page's footer states the weight of the page as finally written, stamp included."""

from __future__ import annotations

import gzip
import random

from pelican.plugins.footprint.fixed_point import settle
from pelican.plugins.footprint.footer import has_slot, stamp, with_stamp
from pelican.plugins.footprint.transfer import SiteOrigin, measure_html
from plugin_core.swd import co2e_grams
from plugin_core.units import format_bytes, format_grams

SLOT = "<!--footprint:page--><!--/footprint:page-->"


def page_with_slot(body_bytes: int) -> str:
    filler = "".join(f"<p>paragraph {i} about energy</p>" for i in range(body_bytes // 30))
    return f"<!doctype html><html><body>{filler}<footer>{SLOT}</footer></body></html>"


def test_stamp_reaches_a_fixed_point(tmp_path):
    origin = SiteOrigin(tmp_path, "")
    for size in (100, 3_000, 40_000):
        html = page_with_slot(size)
        measured = measure_html(html.encode(), "index.html", origin, "gzip")
        result = stamp(html, measured, "gzip", 494.0)
        assert result.exact
        written = gzip.compress(result.html, 9, mtime=0)
        assert result.transfer.transfer_bytes == min(len(written), len(result.html))
        text = result.html.decode()
        shown = result.transfer.transfer_bytes
        assert f"This page: {format_bytes(shown)} transferred" in text
        assert format_grams(co2e_grams(shown)) in text


def test_restamping_replaces_the_old_stamp(tmp_path):
    origin = SiteOrigin(tmp_path, "")
    html = page_with_slot(3_000)
    first = stamp(html, measure_html(html.encode(), "a.html", origin, "gzip"), "gzip", 494.0)
    again = stamp(first.html.decode(), first.transfer, "gzip", 494.0)
    assert again.html == first.html
    assert first.html.decode().count("This page:") == 1


def test_pages_without_the_slot_are_not_touched():
    assert not has_slot("<footer></footer>")
    assert with_stamp("<footer></footer>", "x") == "<footer></footer>"


def test_stamp_settles_even_on_rounding_boundaries(tmp_path):
    """Small pages show exact bytes ("766 B"), where the figures often flip between
    two values; the padding step must still make every page state its own size."""
    origin = SiteOrigin(tmp_path, "")
    rng = random.Random(6)
    for _ in range(400):
        body = "".join(f"<p>{rng.random():.6f} J {rng.randint(0, 10 ** rng.randint(1, 8))}</p>"
                       for _ in range(rng.randint(5, 200)))
        html = f"<html><body>{body}<footer>{SLOT}</footer></body></html>"
        result = stamp(html, measure_html(html.encode(), "a.html", origin, "gzip"), "gzip", 494.0)
        assert result.exact
        on_wire = min(len(result.html), len(gzip.compress(result.html, 9, mtime=0)))
        assert result.transfer.transfer_bytes == on_wire
        assert f"This page: {format_bytes(on_wire)} transferred" in result.html.decode()


def test_a_right_first_guess_is_described_once():
    """The Footprint page starts from last build's row: when it is still right, the page
    is rendered once, not twice, and a wrong guess still settles."""
    described = []

    def describe(size: int) -> str:
        described.append(size)
        return f"this page: {size} B"

    def realise(text: str, pad: int) -> int:
        return len(text) + pad  # the page's size once the text is in it

    right = len("this page: 16 B")
    assert settle(describe, realise, right, same=lambda new, old: new == old) == (right, True)
    assert described == [right]
    described.clear()
    state, exact = settle(describe, realise, 3, same=lambda new, old: new == old)
    assert exact and describe(state) == f"this page: {state} B" and len(described) > 2
