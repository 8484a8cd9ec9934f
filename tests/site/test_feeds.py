"""Feeds read back with feedparser: valid, full content, absolute links, stable ids."""

from __future__ import annotations

import re
from pathlib import Path

import feedparser
import pytest

from tests.helpers import build_site, log_of

SITEURL = "http://localhost:8000"
ARTICLES = 6


def feed_files(site: Path) -> list[Path]:
    return sorted((site / "feeds").rglob("*.xml"))


def entry_html(entry) -> str:
    if entry.get("content"):
        return entry.content[0].value
    return entry.summary


@pytest.mark.parametrize("name", ["all.atom.xml", "all.rss.xml"])
def test_main_feeds_have_every_issue_in_full(sample_site, name):
    feed = feedparser.parse((sample_site / "feeds" / name).read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert len(feed.entries) == ARTICLES
    for entry in feed.entries:
        slug = entry.link.rstrip("/").rsplit("/", 1)[-1]
        page = (sample_site / "issues" / slug / "index.html").read_text(encoding="utf-8")
        body = entry_html(entry)
        # Every paragraph the author wrote is in the feed: full content, not a summary.
        # (Widgets are left out: in feeds they become their static result, tested with widgets.)
        issue_body = page.split('class="issue-body"')[1].split('class="issue-footer"')[0]
        issue_body = re.sub(r'<figure class="pw-widget.*?</figure>', "", issue_body, flags=re.S)
        feed_text = " ".join(re.sub(r"<[^>]+>", "", body).split())
        paragraphs = re.findall(r"<p>(.*?)</p>", issue_body, re.S)
        assert len(paragraphs) >= 3
        for paragraph in paragraphs:
            text = " ".join(re.sub(r"<[^>]+>", "", paragraph).split())
            assert text in feed_text, (slug, text[:60])


def test_every_feed_parses_and_counts_match_taxonomies(sample_site):
    for path in feed_files(sample_site):
        feed = feedparser.parse(path.read_bytes())
        assert not feed.bozo, (path, feed.get("bozo_exception"))
        assert feed.entries, path
        slug = path.name.split(".")[0]
        if path.parent.name == "tag":
            listed = (sample_site / "tag" / slug / "index.html").read_text(encoding="utf-8")
            assert len(feed.entries) == listed.count('class="issue-number"'), path


def test_links_and_images_in_feed_content_are_absolute(sample_site):
    for path in feed_files(sample_site):
        for entry in feedparser.parse(path.read_bytes()).entries:
            assert entry.link.startswith(SITEURL + "/")
            body = entry_html(entry)
            for url in re.findall(r'\b(?:href|src)="([^"]*)"', body):
                assert re.match(r"^(https?:|mailto:|#)", url), (path, url)
            assert "<script" not in body


def test_entry_ids_are_stable_across_builds(sample_site, tmp_path):
    # Same cache as the first build, so no demo runs again.
    cache = sample_site.parent / "_demo_cache"
    result = build_site(tmp_path / "again", extra={"DEMOS_CACHE_PATH": str(cache)})
    assert result.returncode == 0, log_of(result)
    first = feedparser.parse((sample_site / "feeds/all.atom.xml").read_bytes())
    second = feedparser.parse((tmp_path / "again/feeds/all.atom.xml").read_bytes())
    assert [e.id for e in first.entries] == [e.id for e in second.entries]
    assert len({e.id for e in first.entries}) == ARTICLES
