"""Metadata a reader's tools rely on: a description from each page's own text
(escaped), a canonical link, OpenGraph and Twitter cards, sitemap.xml, robots.txt,
/favicon.ico, and HTML that a validating parser (the Nu HTML Checker) accepts."""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.helpers import PROJECT, build_site, log_of, write_site

VNU = PROJECT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
SKIPPED = ("pagefind/", "pyodide/", "widgets/", "demos/", "theme/")


class Head(HTMLParser):
    """Meta and link elements of a page, attribute values unescaped as a browser reads them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, list[str]] = {}
        self.links: dict[str, list[str]] = {}
        self.scripts = 0
        self.in_head = True

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "body":
            self.in_head = False
        if tag == "script" and self.in_head:
            self.scripts += 1
        if tag == "meta":
            key = values.get("name") or values.get("property")
            if key:
                self.meta.setdefault(key, []).append(values.get("content", ""))
        if tag == "link":
            self.links.setdefault(values.get("rel", ""), []).append(values.get("href", ""))


def head_of(path: Path) -> Head:
    parser = Head()
    parser.feed(path.read_text("utf-8"))
    return parser


def html_pages(site: Path) -> list[Path]:
    return sorted(path for path in site.rglob("*.html")
                  if not path.relative_to(site).as_posix().startswith(SKIPPED))


def test_every_page_has_its_own_description_and_sharing_tags(sample_site):
    descriptions = {}
    for page in html_pages(sample_site):
        relative = page.relative_to(sample_site).as_posix()
        head = head_of(page)
        [description] = head.meta["description"]
        assert 40 <= len(description) <= 200, (relative, description)
        descriptions[relative] = description
        assert head.meta["og:description"] == [description]
        assert head.meta["twitter:description"] == [description]
        for key in ("og:title", "og:type", "og:site_name", "twitter:card", "twitter:title"):
            assert head.meta.get(key) and head.meta[key][0], (relative, key)
        if relative == "404.html":
            assert head.meta["robots"] == ["noindex"]
            continue
        [canonical] = head.links["canonical"]
        expected = "http://localhost:8000/" + relative.removesuffix("index.html")
        assert canonical == expected
        assert head.meta["og:url"] == [canonical]
    shared = [d for d in descriptions.values() if list(descriptions.values()).count(d) > 1]
    assert shared == [], "pages share a description"
    assert len(descriptions) >= 20


def test_issue_description_is_its_summary_and_type_is_article(sample_site):
    head = head_of(sample_site / "issues/what-training-costs/index.html")
    assert head.meta["description"][0].startswith("Published figures for training large models")
    assert head.meta["og:type"] == ["article"]
    assert head.meta["og:title"] == ["What does it cost to train a model?"]


def test_description_from_the_text_is_escaped(tmp_path):
    content = write_site(tmp_path, {
        "issues/a.md": """\
            Title: Ten < 20 & "quotes"
            Slug: a
            Date: 2026-01-01

            A first paragraph with &lt;/title&gt; and "quotes" and
            <code>&lt;script&gt;alert(1)&lt;/script&gt;</code>, written by someone who tests meta tags.

            ## A section
            More text.
            """,
    })
    result = build_site(tmp_path / "out", content, extra={"READER_SEARCH": False})
    assert result.returncode == 0, log_of(result)
    page = tmp_path / "out/issues/a/index.html"
    head = head_of(page)
    assert head.scripts == 0
    [description] = head.meta["description"]
    expected = 'A first paragraph with </title> and "quotes" and <script>alert(1)</script>'
    assert description.startswith(expected)
    html = page.read_text()
    assert "<script>" not in html
    assert head.meta["og:title"] == ['Ten < 20 & "quotes"']


def test_sitemap_and_robots(sample_site):
    root = ET.parse(sample_site / "sitemap.xml").getroot()
    urls = [loc.text for loc in root.findall("s:url/s:loc", SITEMAP_NS)]
    assert "http://localhost:8000/" in urls
    assert "http://localhost:8000/issues/small-models/" in urls
    assert "http://localhost:8000/search/" in urls
    assert not [url for url in urls if "404" in url]  # the only page marked noindex
    assert len(urls) == len(html_pages(sample_site)) - 1
    robots = (sample_site / "robots.txt").read_text()
    assert "Sitemap: http://localhost:8000/sitemap.xml" in robots.splitlines()


def test_favicon_is_a_real_icon_at_the_root(sample_site):
    icon = (sample_site / "favicon.ico").read_bytes()
    assert icon[:4] == b"\x00\x00\x01\x00"  # ICO header
    assert int.from_bytes(icon[4:6], "little") >= 2  # several sizes


def test_every_page_is_valid_html(sample_site):
    if shutil.which("java") is None:
        pytest.fail("the Nu HTML Checker needs Java: `apt-get install default-jre-headless` (make test does)")
    assert VNU.is_file(), "vnu-jar is missing: run `make install` (npm ci)"
    pages = [str(page) for page in html_pages(sample_site)]
    done = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *pages],
                          capture_output=True, text=True, timeout=300)
    messages = json.loads(done.stderr or done.stdout or '{"messages": []}')["messages"]
    assert messages == [], [(m.get("url", "").rsplit("/", 3)[-3:], m["message"]) for m in messages][:10]
