"""Reading an issue: byline and reading time, heading anchors, a table of contents
for long issues, and a citation in plain text and BibTeX."""

from __future__ import annotations

import re
from datetime import date

import feedparser
from pelican.plugins.reader_site.cite import bibtex_escape, citation
from pelican.plugins.reader_site.text import description, reading_minutes, sections

from tests.helpers import build_site, log_of, write_site


def issue(site, slug):
    return (site / "issues" / slug / "index.html").read_text("utf-8")


def test_byline_and_reading_time_on_every_issue(sample_site):
    for page in (sample_site / "issues").glob("*/index.html"):
        html = page.read_text("utf-8")
        byline = r'<p class="byline">By The Low-Carbon Computing Letter · \d+ min read</p>'
        assert re.search(byline, html), page


def test_headings_link_to_themselves_on_the_site_but_not_in_feeds(sample_site):
    html = issue(sample_site, "small-models")
    body = html.split('<div class="issue-body">', 1)[1].split('<footer class="issue-footer">', 1)[0]
    ids = re.findall(r'<h2 id="([^"]+)"', body)
    assert ids
    for anchor in ids:
        assert f'<a class="anchor" href="#{anchor}" aria-label="Link to the section ' in body
    feed = feedparser.parse((sample_site / "feeds/all.atom.xml").read_bytes())
    assert all('class="anchor"' not in entry.content[0].value for entry in feed.entries)


def test_table_of_contents_only_for_long_issues(sample_site):
    long_issue = issue(sample_site, "small-models")  # five sections
    toc = long_issue.split('<nav class="toc"', 1)[1].split("</nav>", 1)[0]
    assert toc.count("<li>") == 5
    assert '<a href="#chinchilla-and-the-cost-of-being-too-big">' in toc
    assert '<nav class="toc"' not in issue(sample_site, "what-training-costs")  # three sections


def test_cite_block_in_plain_text_and_bibtex(sample_site):
    html = issue(sample_site, "what-training-costs")
    cite = html.split('<section class="cite"', 1)[1].split("</section>", 1)[0]
    assert ("The Low-Carbon Computing Letter (2026). What does it cost to train a model?. "
            "Low-Carbon Computing Letter, issue 1, 4 June 2026. "
            "http://localhost:8000/issues/what-training-costs/") in cite
    assert "@misc{lowcarbon2026issue1," in cite
    assert "author       = {{The Low-Carbon Computing Letter}}" in cite
    assert "month        = jun," in cite


def test_bibtex_escapes_latex_specials_and_html_escapes_both():
    entry = citation(title="100% of R&D_costs {and} #1", authors=["Ada Lovelace"], site_name="Letter",
                     url="https://x.org/issues/a/", published=date(2026, 3, 1), number=7)
    assert r"title        = {{100\% of R\&D\_costs \{and\} \#1}}" in entry.bibtex
    assert "author       = {Ada Lovelace}" in entry.bibtex
    assert bibtex_escape("a\\b~c^") == r"a\textbackslash{}b\textasciitilde{}c\textasciicircum{}"


def test_per_post_author_and_escaping_in_byline_and_cite(tmp_path):
    content = write_site(tmp_path, {
        "issues/a.md": """\
            Title: Fish & <chips>
            Slug: a
            Date: 2026-01-01
            Author: Grace "G" Hopper

            Some words.
            """,
    })
    result = build_site(tmp_path / "out", content, extra={"READER_SEARCH": False})
    assert result.returncode == 0, log_of(result)
    html = (tmp_path / "out/issues/a/index.html").read_text()
    assert "By Grace &#34;G&#34; Hopper · 1 min read" in html
    assert "Grace &#34;G&#34; Hopper (2026). Fish &amp;" in html


def test_text_helpers_skip_demos_code_and_widgets():
    html = ('<p>One two three.</p><section class="demo"><p>demo words here</p></section>'
            '<pre>code code code</pre><h2 id="x-y">X &amp; <em>Y</em></h2><p>Four.</p>')
    assert description(html) == "One two three. Four."
    assert reading_minutes(html) == 1
    assert [(s.anchor, s.title) for s in sections(html)] == [("x-y", "X & Y")]
    assert description("<p>" + "word " * 100 + "</p>").endswith("…")
