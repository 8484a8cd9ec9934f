"""The Footprint page in a real browser: reachable from every page, accessible."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_footer_links_to_an_accessible_footprint_page(page, sample_url, axe):
    page.goto(sample_url)
    footer = page.locator("footer .footprint-note")
    assert "This page:" in footer.inner_text()
    footer.get_by_role("link", name="Footprint of this site").click()
    page.wait_for_url("**/footprint/")
    assert page.locator("h1").inner_text() == "Footprint"
    assert page.locator("#pages + table tbody tr").count() >= 10
    assert axe(page) == []
    assert page.console_errors == []
