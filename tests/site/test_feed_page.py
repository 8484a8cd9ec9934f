"""Feeds opened in a browser: an XSLT stylesheet turns them into a page that says
what a feed is, how to subscribe, and lists the issues. Feed readers still read
the same valid Atom and RSS."""

from __future__ import annotations

import posixpath
import re

import feedparser
import pytest

INSTRUCTION = re.compile(r'<\?xml-stylesheet type="text/xsl" href="([^"]+)"\?>')


def feeds(site):
    return sorted((site / "feeds").rglob("*.xml"))


def test_every_feed_points_to_the_stylesheet_and_stays_valid(sample_site):
    checked = 0
    for feed in feeds(sample_site):
        text = feed.read_text("utf-8")
        assert text.startswith('<?xml version="1.0" encoding="utf-8"?>\n<?xml-stylesheet'), feed
        [href] = INSTRUCTION.findall(text)
        target = posixpath.normpath(posixpath.join(feed.parent.relative_to(sample_site).as_posix(), href))
        assert target == "theme/feed.xsl" and (sample_site / target).is_file()
        parsed = feedparser.parse(feed.read_bytes())
        assert not parsed.bozo, (feed, parsed.get("bozo_exception"))
        assert parsed.entries
        assert all(entry.get("content") or entry.get("summary") for entry in parsed.entries)
        checked += 1
    assert checked >= 4


@pytest.mark.browser
@pytest.mark.parametrize("path", ["feeds/all.atom.xml", "feeds/all.rss.xml", "feeds/tag/training.atom.xml"])
def test_a_feed_opened_in_chromium_is_a_readable_page(page, sample_url, sample_site, path):
    entries = len(feedparser.parse((sample_site / path).read_bytes()).entries)
    page.goto(sample_url + path)
    assert page.locator("h1").text_content().strip()
    assert "This is a feed" in page.locator(".about").text_content()
    assert path in page.locator(".about code").text_content()
    items = page.locator("ol.issues li a")
    assert items.count() == entries
    assert items.first.get_attribute("href").startswith("http://localhost:8000/issues/")
    subscribe = page.get_by_role("link", name="Subscribe page")
    assert subscribe.get_attribute("href") == "http://localhost:8000/subscribe/"
