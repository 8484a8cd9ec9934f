"""Fixes readers noticed: the 404 page at any depth, and the Subscribe page's feed links."""

from __future__ import annotations

import re

import pytest


@pytest.mark.browser
@pytest.mark.parametrize("missing", ["nothing-here", "issues/old-slug/", "a/b/c/d.html"])
def test_404_page_works_at_any_depth(page, sample_url, sample_site, missing):
    """A server answers every missing address with 404.html, whatever its depth."""
    body = (sample_site / "404.html").read_text()
    page.route(sample_url + missing, lambda route: route.fulfill(status=404, body=body,
                                                               content_type="text/html"))
    response = page.goto(sample_url + missing)
    assert response.status == 404
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(251, 250, 246)"
    archives = page.get_by_role("link", name="archives", exact=True)
    assert archives.evaluate("a => a.href") == sample_url + "archives/"
    search = page.get_by_role("link", name="Search", exact=True)
    assert search.evaluate("a => a.href") == sample_url + "search/"


def test_subscribe_feed_links_have_no_trailing_space(sample_site):
    html = (sample_site / "subscribe/index.html").read_text()
    assert re.findall(r">(?:Atom|RSS)<span class=\"visually-hidden\"> feed for ", html)
    assert not re.search(r">(?:Atom|RSS)\s+<span", html)


@pytest.mark.browser
@pytest.mark.parametrize("path", ["404.html", "footprint/", "feeds/all.atom.xml"])
def test_new_and_fixed_pages_have_no_axe_violations(page, sample_url, axe, path):
    page.goto(sample_url + path)
    # Chromium's own XSLT deprecation banner (white on red) is not part of the page.
    page.evaluate("document.querySelector('xslt-warning-banner')?.remove()")
    violations = axe(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]
