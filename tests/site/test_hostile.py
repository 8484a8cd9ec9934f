"""Hostile text in every field a post, a demo or a widget controls stays text in every output.

One site is built (in warn mode, so error boxes are written too) with payloads in
titles, summaries, tags, categories, captions, demo stdout and stderr, figure
titles, exception messages, widget names and labels. Every HTML page, every feed
(raw XML and read back with feedparser), footprint.json and the figures are then
checked: no payload may become an element or an attribute, and each must read
back as exactly the text the author wrote.
"""

from __future__ import annotations

import json
import textwrap
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import feedparser
import pytest

from tests.helpers import build_site, log_of, write_site

TITLE = 'Why <img src=x onerror=alert(1)> & "quotes" </title><script>alert(2)</script>'
PAGE_TITLE = "About <svg onload=alert(3)>"
TAG = "<b onclick=alert(4)>bold</b>"
BREAKOUT_TAG = 'x" onmouseover="alert(5)'
CATEGORY = "<i onclick=alert(6)>cat</i>"
INLINE = "<img src=x onerror=alert(7)>"
SUMMARY_CODE = "<script>alert(8)</script>"
CAPTION = 'cap "><img src=x onerror=alert(9)>'
STDOUT = "<img src=x onerror=alert(10)>"
STDERR = "</pre><script>alert(11)</script>"
FIGURE_TITLE = "<script>alert(12)</script>"
RAISED = "<img src=x onerror=alert(13)>"
WIDGET_LABEL = "<img src=x onerror=alert(14)>"
BAD_WIDGET = "<img"  # an unknown widget name: the error box names it

DEMO = f"""
import sys
import matplotlib.pyplot as plt
print({STDOUT!r})
print({STDERR!r}, file=sys.stderr)
plt.figure(figsize=(2, 2))
plt.plot([1, 2])
plt.title({FIGURE_TITLE!r})
"""
FAILING = f"raise ValueError({RAISED!r})\n"
TRAINING = f"""
import json, os
weights = {{"classes": [{WIDGET_LABEL!r}, "b"]}}
with open(os.path.join(os.environ["DEMO_ARTIFACTS_DIR"], "weights.json"), "w") as handle:
    json.dump(weights, handle)
"""
WIDGET = f"""
TITLE = {WIDGET_LABEL!r}
EXPLANATION = {WIDGET_LABEL!r}
INPUT = {{"kind": "sliders", "fields": [
    {{"name": "x", "label": {WIDGET_LABEL!r}, "min": 0, "max": 1, "step": 0.1, "unit": {WIDGET_LABEL!r}}}]}}

def sample_input(weights):
    return [0.5]

def predict(weights, inputs):
    labels = weights["classes"]
    probabilities = [{{"label": labels[0], "p": 0.75}}, {{"label": labels[1], "p": 0.25}}]
    return {{"label": labels[0], "probabilities": probabilities}}

def describe(result):
    return "It says " + result["label"]
"""

POSTS = {
    "issues/hostile.md": f"""\
        Title: {TITLE}
        Date: 2024-01-02
        Tags: {TAG}, {BREAKOUT_TAG}
        Category: {CATEGORY}

        Inline code `{INLINE}` and text.

        ::: demo demos/hostile.py
        caption: {CAPTION}
        :::
        """,
    "issues/summary.md": f"""\
        Title: Plain title
        Date: 2024-01-01
        Summary: Try `{SUMMARY_CODE}` in a summary.
        Category: {CATEGORY}

        Body text.
        """,
    "issues/broken.md": f"""\
        Title: Broken things
        Date: 2024-01-03

        ::: demo demos/failing.py
        :::

        ::: widget {BAD_WIDGET}
        model: demos/training.py
        :::

        ::: demo demos/training.py
        :::

        ::: widget hostile
        model: demos/training.py
        caption: {CAPTION}
        :::
        """,
    "pages/about.md": f"""\
        Title: {PAGE_TITLE}

        About this site.
        """,
}


class LiveMarkup(HTMLParser):
    """Collects every element or attribute a payload could have created.

    Every payload element carries an `on...` handler or is a script calling alert(),
    and the theme itself has neither, so any such element is a payload let through.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
        self.in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script and "alert(" in data:
            self.found.append(f"<script>{data}</script>")


def live_markup(html: str) -> list[str]:
    parser = LiveMarkup()
    parser.feed(html)
    parser.close()
    return parser.found


class Texts(HTMLParser):
    """Text of elements by tag, and attribute values, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: dict[str, list[str]] = {}
        self.attributes: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attributes += [(tag, name, value or "") for name, value in attrs]
        if tag not in ("meta", "link", "img", "br", "input"):
            self.stack.append(tag)
            self.text.setdefault(tag, []).append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        for tag in set(self.stack):
            self.text[tag][-1] += data


def texts(html: str) -> Texts:
    parser = Texts()
    parser.feed(html)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    content = write_site(root, POSTS)
    for name, source in {"hostile.py": DEMO, "failing.py": FAILING, "training.py": TRAINING}.items():
        (root / "demos").mkdir(exist_ok=True)
        (root / "demos" / name).write_text(textwrap.dedent(source))
    (root / "widgets").mkdir()
    (root / "widgets" / "hostile.py").write_text(textwrap.dedent(WIDGET))
    result = build_site(
        root / "output",
        content,
        extra={
            "DEMOS_CACHE_PATH": str(root / "_demo_cache"),
            "PYODIDE_WIDGETS_PATH": str(root / "widgets"),
            "PYODIDE_BASE_URL": "https://cdn.example.org/pyodide/",
        },
        cwd=root,
        env={"NEWSLETTER_ON_ERROR": "warn"},
    )
    assert result.returncode == 0, log_of(result)
    return root / "output", log_of(result)


def test_no_payload_becomes_markup_in_any_page(hostile_site):
    output, _ = hostile_site
    pages = sorted(output.rglob("*.html"))
    assert len(pages) > 8
    found = {str(page.relative_to(output)): live_markup(page.read_text()) for page in pages}
    assert not {page: items for page, items in found.items() if items}


def test_the_post_shows_every_payload_as_its_text(hostile_site):
    output, _ = hostile_site
    (post,) = output.glob("issues/why-*/index.html")
    page = texts(post.read_text())
    assert page.text["h1"] == [TITLE]
    assert page.text["title"][0].startswith(f"Issue 2: {TITLE} · ")
    body = "".join(page.text["main"])
    for payload in (INLINE, CAPTION, STDOUT, STDERR, TAG, BREAKOUT_TAG, CATEGORY):
        assert payload in body
    description = [value for tag, name, value in page.attributes if name == "content" and INLINE in value]
    assert description, "the description holds the inline code as text"
    alts = [value for tag, name, value in page.attributes if tag == "img" and name == "alt"]
    assert any(CAPTION in alt for alt in alts)


def test_listings_show_titles_summaries_tags_and_categories_as_text(hostile_site):
    output, _ = hostile_site
    home = texts((output / "index.html").read_text())
    assert TITLE in home.text["h2"]
    summaries = "".join(home.text["div"])
    assert INLINE in summaries and SUMMARY_CODE in summaries and STDOUT in summaries
    tags = "".join(texts((output / "tags" / "index.html").read_text()).text["main"])
    for payload in (TAG, BREAKOUT_TAG, CATEGORY):
        assert payload in tags
    archives = "".join(texts((output / "archives" / "index.html").read_text()).text["main"])
    assert TITLE in archives
    about = texts((output / "about" / "index.html").read_text())
    assert about.text["h1"] == [PAGE_TITLE]
    assert PAGE_TITLE in "".join(about.text["nav"])


def test_error_boxes_and_widgets_show_payloads_as_text(hostile_site):
    output, log = hostile_site
    (broken,) = output.glob("issues/broken-things/index.html")
    page = texts(broken.read_text())
    body = "".join(page.text["main"])
    assert RAISED in body  # the failing demo's message
    assert f"'{BAD_WIDGET}'" in body  # the unknown widget's name
    assert body.count(WIDGET_LABEL) >= 4  # title, explanation, slider label, result label
    assert RAISED in log


def test_feeds_are_valid_xml_and_read_back_as_the_same_text(hostile_site):
    output, _ = hostile_site
    feeds = sorted((output / "feeds").rglob("*.xml"))
    assert len(feeds) >= 8
    for feed in feeds:
        root = ET.parse(feed).getroot()  # well-formed XML, or this raises
        for element in root.iter():
            if element.tag.rsplit("}", 1)[-1] in ("content", "description", "summary") and element.text:
                assert not live_markup(element.text), (feed, element.text[:300])
        parsed = feedparser.parse(feed.read_bytes())
        assert not parsed.bozo, (feed, parsed.get("bozo_exception"))
    parsed = feedparser.parse((output / "feeds" / "all.atom.xml").read_bytes())
    entry = next(e for e in parsed.entries if e.title.startswith("Why"))
    assert entry.title == TITLE
    assert {tag.term for tag in entry.tags} == {TAG, BREAKOUT_TAG, CATEGORY}
    rss = feedparser.parse((output / "feeds" / "all.rss.xml").read_bytes())
    assert TITLE in [e.title for e in rss.entries]


def test_footprint_json_and_page_keep_titles_as_plain_text(hostile_site):
    output, _ = hostile_site
    report = json.loads((output / "footprint.json").read_text())
    titles = {page["title"] for page in report["pages"]}
    assert f"Issue 2: {TITLE}" in titles
    assert f"Tag: {TAG}" in titles and f"Category: {CATEGORY}" in titles
    footprint = "".join(texts((output / "footprint" / "index.html").read_text()).text["main"])
    assert TITLE in footprint and f"Tag: {TAG}" in footprint


def test_figures_hold_their_title_as_text(hostile_site):
    output, _ = hostile_site
    figures = list((output / "demos").rglob("*.svg"))
    assert figures
    for figure in figures:
        root = ET.parse(figure).getroot()
        assert not [e for e in root.iter() if e.tag.rsplit("}", 1)[-1] == "script"]
        assert not [name for e in root.iter() for name in e.attrib if name.startswith("on")]
    assert any(FIGURE_TITLE in "".join(ET.parse(f).getroot().itertext()) for f in figures)
