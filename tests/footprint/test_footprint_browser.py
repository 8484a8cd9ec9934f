"""The Footprint page in a real browser: reachable from every page, accessible."""

from __future__ import annotations

import json

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


def test_a_desktop_browser_loads_exactly_what_each_page_counts(browser, sample_site, sample_url):
    """Each page's weight lists the files a real browser fetches without interaction.

    A desktop window (1280 x 800) fetches lazy figures at once (Chromium loads lazy
    images within a few screens of the window), so there the count is exact; the
    Footprint page says that on a phone it is an upper bound.
    """
    report = json.loads((sample_site / "footprint.json").read_text())
    lazy_pages = 0
    for row in report["pages"]:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        requested: list[str] = []
        page.on("request", lambda request, seen=requested: seen.append(request.url))
        page.goto(sample_url + row["path"], wait_until="networkidle")
        context.close()
        fetched = sorted(url[len(sample_url):] for url in requested if url != sample_url + row["path"])
        assert fetched == sorted(r["path"] for r in row["resources"]), row["path"]
        lazy_pages += 'loading="lazy"' in (sample_site / row["path"]).read_text("utf-8")
    assert lazy_pages >= 1  # the check covered a page with a lazy figure
