"""The sample site, built from the project's own settings, has every page a reader expects."""

from __future__ import annotations

import json
import re
from pathlib import Path

from plugin_core.units import format_bytes, format_grams

from tests.helpers import build_site, log_of, write_site

ISSUES = [
    "what-training-costs",
    "inference-adds-up",
    "small-models",
    "computing-together",
    "permacomputing",
    "reading-the-label",
]


def read(site: Path, relative: str) -> str:
    return (site / relative).read_text(encoding="utf-8")


def test_layout_of_the_built_site(sample_site):
    for relative in [
        "index.html",
        "archives/index.html",
        "tags/index.html",
        "categories/index.html",
        "about/index.html",
        "subscribe/index.html",
        "404.html",
        "feeds/all.atom.xml",
        "feeds/all.rss.xml",
        *(f"issues/{slug}/index.html" for slug in ISSUES),
    ]:
        assert (sample_site / relative).is_file(), relative


def test_home_lists_issues_newest_first_with_numbers(sample_site):
    home = read(sample_site, "index.html")
    numbers = [int(n) for n in re.findall(r'class="issue-number">Issue (\d+)<', home)]
    assert numbers == sorted(numbers, reverse=True)
    assert numbers[0] == len(ISSUES)
    positions = [home.index(f"issues/{slug}/") for slug in reversed(ISSUES)]
    assert positions == sorted(positions)


def test_article_page_semantics(sample_site):
    html = read(sample_site, "issues/small-models/index.html")
    assert '<html lang="en">' in html
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert "<h1>Small models that beat big ones</h1>" in html
    assert "Issue 3" in html
    assert re.search(r'<time datetime="2026-08-06T08:00:00', html)
    assert html.count("<h1") == 1


def test_every_page_has_feed_autodiscovery(sample_site):
    for page in sample_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert 'rel="alternate" type="application/atom+xml"' in html, page
        assert 'rel="alternate" type="application/rss+xml"' in html, page


def test_tag_and_category_pages_offer_their_own_feeds(sample_site):
    tag = read(sample_site, "tag/small-models/index.html")
    assert "http://localhost:8000/feeds/tag/small-models.atom.xml" in tag
    category = read(sample_site, "category/energy/index.html")
    assert "http://localhost:8000/feeds/category/energy.rss.xml" in category


def test_subscribe_page_lists_every_feed(sample_site):
    html = read(sample_site, "subscribe/index.html")
    assert "feed reader" in html
    feeds = sorted(p.relative_to(sample_site).as_posix() for p in (sample_site / "feeds").rglob("*.xml"))
    assert len(feeds) >= 4
    for feed in feeds:
        assert f"http://localhost:8000/{feed}" in html, feed


def test_pages_without_widgets_have_no_script(sample_site):
    search_page = sample_site / "search" / "index.html"  # its script loads the index on use
    for page in sample_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        if 'class="pw-widget' in html or page == search_page:
            continue
        assert "<script" not in html, page


def test_no_web_fonts(sample_site):
    for path in sample_site.rglob("*"):
        assert path.suffix not in {".woff", ".woff2", ".ttf", ".otf", ".eot"}, path
    for css in sample_site.rglob("*.css"):
        assert "@font-face" not in css.read_text(encoding="utf-8")


def test_issue_numbers_follow_dates_and_explicit_numbers_win(tmp_path):
    content = write_site(
        tmp_path,
        {
            "issues/b.md": "Title: Second\nDate: 2026-02-01\n\nText.\n",
            "issues/a.md": "Title: First\nDate: 2026-01-01\n\nText.\n",
            "issues/c.md": "Title: Tenth\nDate: 2026-03-01\nIssue: 10\n\nText.\n",
        },
    )
    result = build_site(tmp_path / "out", content, extra={"ARTICLE_PATHS": ["issues"]})
    assert result.returncode == 0, log_of(result)
    assert "Issue 1" in (tmp_path / "out/issues/first/index.html").read_text()
    assert "Issue 2" in (tmp_path / "out/issues/second/index.html").read_text()
    assert "Issue 10" in (tmp_path / "out/issues/tenth/index.html").read_text()


def test_duplicate_issue_number_fails_the_build_naming_both_files(tmp_path):
    content = write_site(
        tmp_path,
        {
            "issues/a.md": "Title: One\nDate: 2026-01-01\nIssue: 4\n\nText.\n",
            "issues/b.md": "Title: Two\nDate: 2026-02-01\nIssue: 4\n\nText.\n",
        },
    )
    result = build_site(tmp_path / "out", content, extra={"ARTICLE_PATHS": ["issues"]})
    assert result.returncode != 0
    log = log_of(result)
    assert "issue number 4 is used twice" in log
    assert "issues/a.md" in log and "issues/b.md" in log


def test_each_issue_ends_with_a_receipt_that_matches_the_footprint_page(sample_site):
    report = json.loads((sample_site / "footprint.json").read_text())
    demos_of = {}
    for demo in report["demos"]:
        demos_of.setdefault(demo["page_url"], []).append(demo)
    for issue in report["issues"]:
        html = (sample_site / issue["url"] / "index.html").read_text()
        start = html.index('<section class="receipt"')
        receipt = html[start : html.index("</section>", start)]
        # The page's view: the same figures as its footer and the Footprint page, in mg.
        view = format_grams(issue["co2e_grams_per_view"])
        assert f"an estimated {view} CO<sub>2</sub>e per first view" in receipt, issue["url"]
        assert f"({format_bytes(issue['transfer_bytes'])} transferred" in receipt
        if demos_of.get(issue["url"]):
            assert f"Demos ({issue['demos']}, estimated): an estimated" in receipt
            assert "range" in receipt and "measured" not in receipt
        if "pw-widget" in html:
            runtime = format_bytes(report["widget_runtime"]["transfer_bytes"])
            assert f"a first run downloads {runtime} (compressed" in receipt
            assert "8 to 30 J per second of running on a laptop" in receipt
        assert "<h2" in receipt and "<ul>" in receipt  # readable without CSS
