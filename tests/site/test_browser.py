"""The sample site in real headless Chromium: no errors, no other hosts, accessible, usable at 320 px."""

from __future__ import annotations

import pytest

PAGES = ["", "issues/small-models/", "issues/what-training-costs/", "archives/", "subscribe/", "tags/"]

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_cleanly_and_has_no_axe_violations(page, sample_url, axe, path):
    response = page.goto(sample_url + path)
    assert response.ok
    page.wait_for_load_state("networkidle")
    assert page.console_errors == []
    violations = axe(page)
    assert violations == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in violations]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_contrast_holds_in_both_colour_schemes(page, sample_url, axe, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(sample_url + "issues/what-training-costs/")
    violations = [v for v in axe(page) if v["id"] == "color-contrast"]
    assert violations == []


@pytest.mark.parametrize("path", ["", "issues/computing-together/", "subscribe/"])
def test_usable_at_320_px(browser, sample_url, path):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(sample_url + path)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"page scrolls sideways by {overflow}px at 320px"
    assert page.get_by_role("navigation", name="Site").is_visible()
    context.close()


def test_skip_link_and_visible_focus(page, sample_url):
    page.goto(sample_url + "issues/small-models/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to content"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_pages_without_widgets_run_no_script(page, sample_url):
    scripts = []
    page.on("request", lambda request: request.resource_type == "script" and scripts.append(request.url))
    for path in ["", "issues/what-training-costs/", "archives/", "subscribe/"]:
        page.goto(sample_url + path)
        page.wait_for_load_state("networkidle")
    assert scripts == []


def test_print_stylesheet_hides_navigation(page, sample_url):
    page.goto(sample_url + "issues/small-models/")
    page.emulate_media(media="print")
    assert not page.get_by_role("navigation", name="Site").is_visible()
