"""Phones, dark mode and print, checked in real Chromium: figure text readable at
375 px, scrolling boxes that show it, a menu that never leaves one item alone,
figures that follow the colour scheme (and stay legible in a feed reader), the
Footprint tables at 320 px, and what a printed issue shows."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image, ImageStat

pytestmark = pytest.mark.browser

FIGURE_ISSUES = ["issues/what-training-costs/", "issues/inference-adds-up/", "issues/small-models/",
                 "issues/computing-together/", "issues/permacomputing/"]
FONT_SIZE = re.compile(r"font-size: ([\d.]+)px")
VIEWBOX = re.compile(r'viewBox="0 0 ([\d.]+) ')


def mean_luminance(png: bytes) -> float:
    return ImageStat.Stat(Image.open(io.BytesIO(png)).convert("L")).mean[0]


@pytest.mark.parametrize("path", FIGURE_ISSUES)
def test_figure_text_is_at_least_9_css_px_at_375(browser, sample_url, sample_site, path):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(sample_url + path)
    figures = page.locator(".demo-figure img")
    assert figures.count() >= 1
    for index in range(figures.count()):
        image = figures.nth(index)
        source = image.get_attribute("src")
        svg = (sample_site / path / source).resolve().read_text()
        smallest = min(float(size) for size in FONT_SIZE.findall(svg))
        scale = image.evaluate("img => img.clientWidth") / float(VIEWBOX.search(svg).group(1))
        assert smallest * scale >= 9, f"{source}: smallest text {smallest * scale:.1f} CSS px at 375 px"
    context.close()


def test_demo_output_shows_that_it_scrolls(browser, sample_url):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(sample_url + "issues/what-training-costs/")
    box = page.locator(".demo-output pre").first
    assert box.evaluate("pre => pre.scrollWidth > pre.clientWidth")
    style = box.evaluate("pre => [getComputedStyle(pre).overflowX, getComputedStyle(pre).backgroundImage]")
    assert style[0] == "auto" and style[1].count("gradient") == 4
    before = box.screenshot()
    box.evaluate("pre => pre.scrollLeft = pre.scrollWidth")
    assert box.screenshot() != before  # the shadow moved to the other edge
    context.close()


def test_menu_never_leaves_one_item_alone_on_a_line(browser, sample_url):
    context = browser.new_context(viewport={"width": 1000, "height": 700})
    page = context.new_page()
    page.goto(sample_url + "issues/what-training-costs/")
    for width in range(280, 1001, 10):
        page.set_viewport_size({"width": width, "height": 700})
        tops = page.locator(".site-header nav li").evaluate_all(
            "items => items.map(item => Math.round(item.getBoundingClientRect().top))")
        per_line = [tops.count(top) for top in sorted(set(tops))]
        assert min(per_line) >= 2, f"at {width}px the menu lines hold {per_line} items"
    context.close()


@pytest.mark.parametrize("path", ["footprint/", "subscribe/", "search/"])
def test_new_and_fixed_pages_fit_320_px(browser, sample_url, path):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(sample_url + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    tables = page.locator("table").evaluate_all("ts => ts.map(t => t.scrollWidth - t.clientWidth)")
    assert all(overflow <= 0 for overflow in tables), tables
    context.close()


def test_figures_follow_the_colour_scheme_without_a_white_block(browser, sample_url, sample_site):
    svgs = list((sample_site / "demos").rglob("*.svg"))
    assert svgs
    for svg in svgs:
        text = svg.read_text()
        assert "#ffffff" not in text and "prefers-color-scheme: dark" in text, svg
    shots = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport={"width": 375, "height": 800}, color_scheme=scheme)
        page = context.new_page()
        page.goto(sample_url + "issues/what-training-costs/")
        figure = page.locator(".demo-figure img").first
        figure.scroll_into_view_if_needed()
        page.wait_for_function("document.querySelector('.demo-figure img').complete")
        shots[scheme] = mean_luminance(figure.screenshot())
        context.close()
    assert shots["light"] > 180 and shots["dark"] < 80, shots


def test_a_figure_stays_legible_in_a_feed_reader_page(browser, sample_url, sample_site):
    """A reader page with no colour scheme of its own, in either OS setting: the figure
    brings its own background, so its text contrasts with it."""
    figure = next((sample_site / "demos").rglob("*.svg")).relative_to(sample_site).as_posix()
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport={"width": 500, "height": 400}, color_scheme=scheme)
        page = context.new_page()
        page.goto(sample_url + "feeds/all.atom.xml")  # any same-origin page; replaced below
        page.set_content(f'<body style="background:#fff;margin:0"><img src="{sample_url}{figure}"></body>')
        page.wait_for_function("document.querySelector('img').complete")
        pixels = Image.open(io.BytesIO(page.locator("img").screenshot())).convert("L")
        low, high = pixels.getextrema()
        assert high - low > 150, (scheme, low, high)  # text and background far apart
        context.close()


def test_printed_issue_opens_figure_details_hides_controls_and_shows_absolute_links(page, sample_url):
    page.goto(sample_url + "issues/what-training-costs/")
    page.emulate_media(media="print")
    details = page.locator(".demo-details dl").first
    assert details.is_visible() and details.bounding_box()["height"] > 20
    link = page.locator(".issue-footer a[data-print-href*='/tag/']").first
    after = link.evaluate("a => getComputedStyle(a, '::after').content")
    assert "http://localhost:8000/tag/" in after
    page.goto(sample_url + "issues/small-models/")
    page.emulate_media(media="print")
    assert page.locator(".pw-widget").first.is_visible()
    assert not page.locator(".pw-run").first.is_visible()
    assert not page.locator(".pw-note").first.is_visible()
    assert not page.locator(".toc").is_visible()
