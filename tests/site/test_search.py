"""Search: a Pagefind index built with the site, a search page that finds an issue
in real Chromium, nothing of it loaded until a reader searches, and a page that
still lists every issue without JavaScript."""

from __future__ import annotations

import json
import re

import pytest

pytestmark = pytest.mark.browser


def test_index_is_built_from_issues_and_pages_only(sample_site):
    bundle = sample_site / "pagefind"
    assert (bundle / "pagefind.js").is_file()
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    pages = sum(language["page_count"] for language in entry["languages"].values())
    issues = len(list((sample_site / "issues").glob("*/index.html")))
    assert pages == issues + 2  # the issues, About and Subscribe; no listing, no search page


def test_the_glob_of_marked_pages_gives_the_index_of_every_page(sample_site, tmp_path):
    """The build hands Pagefind a glob of the marked pages; it must change nothing but the time."""
    import shutil

    from pelican.plugins.reader_site.search import update_index
    from pelican.plugins.reader_site.site_pages import SitePage, search_glob, site_pages

    site = tmp_path / "site"
    shutil.copytree(sample_site, site, ignore=shutil.ignore_patterns("pagefind", "pyodide"))
    pages = site_pages(site)
    glob = search_glob(pages)
    parts = glob.strip("{}").split(",")
    assert "issues/**/*.html" in parts and "index.html" not in parts  # the home page is a listing

    def bundle() -> dict:
        files = (site / "pagefind").rglob("*")
        return {path.relative_to(site): path.read_bytes() for path in files if path.is_file()}

    update_index(site, {}, glob)
    by_glob = bundle()
    shutil.rmtree(site / "pagefind")
    update_index(site, {})
    assert by_glob == bundle()

    # A folder with a page that is not marked is not globbed whole; odd names get no glob.
    mixed = [SitePage("a/1/index.html", "x", True, False), SitePage("a/index.html", "y", False, False),
             SitePage("b/2/index.html", "z", True, False), SitePage("top.html", "t", True, False)]
    assert search_glob(mixed) == "{a/1/index.html,b/**/*.html,top.html}"
    assert search_glob([SitePage("a{b}/index.html", "x", True, False)]) is None
    assert search_glob([SitePage("index.html", "x", False, False)]) is None


def test_every_page_links_to_search_without_script(sample_site):
    for path in ["index.html", "issues/what-training-costs/index.html", "404.html"]:
        html = (sample_site / path).read_text()
        assert re.search(r'<a href="[^"]*search/"[^>]*>Search</a>', html), path
    search = (sample_site / "search/index.html").read_text()
    assert 'role="search"' in search and 'name="q"' in search


def test_typing_a_word_from_an_issue_finds_it(page, sample_url):
    searched = []
    page.on("request", lambda request: "/pagefind/" in request.url and searched.append(request.url))
    page.goto(sample_url + "search/")
    page.wait_for_load_state("networkidle")
    assert searched == [], "the search page loaded the index before the reader searched"
    page.get_by_label("Words to find in the issues").fill("Chinchilla")
    results = page.locator("#search-results")
    results.locator("a").first.wait_for(timeout=15_000)
    links = results.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert any(link.endswith("issues/small-models/") for link in links), links
    assert "Chinchilla" in results.locator("mark").first.text_content()
    assert searched, "results came without loading the index?"
    assert page.console_errors == []
    assert "1 issue found" in page.locator("#search-status").text_content()


def test_query_in_the_address_searches_on_arrival(page, sample_url):
    page.goto(sample_url + "search/?q=Folding")
    page.locator("#search-results a").first.wait_for(timeout=15_000)
    hrefs = page.locator("#search-results a").evaluate_all("links => links.map(a => a.href)")
    assert any(href.endswith("/issues/computing-together/") for href in hrefs), hrefs
    page.goto(sample_url + "search/?q=zzzqqqnothing")
    page.wait_for_function("document.getElementById('search-status').textContent.startsWith('Nothing')")
    assert page.locator("#search-all").is_visible()


def test_other_pages_load_nothing_of_search(page, sample_url):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    for path in ["", "issues/what-training-costs/", "archives/"]:
        page.goto(sample_url + path)
        page.wait_for_load_state("networkidle")
    assert not [url for url in requests if "pagefind" in url or "search" in url.rsplit("/", 1)[-1]]


def test_without_javascript_the_search_page_lists_every_issue(browser, sample_url, sample_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(sample_url + "search/")
    listed = page.locator("#search-all li a").count()
    assert listed == len(list((sample_site / "issues").glob("*/index.html")))
    assert "JavaScript" in page.locator("#search-status").text_content()
    context.close()


def test_search_page_is_accessible(page, sample_url, axe):
    page.goto(sample_url + "search/?q=energy")
    page.locator("#search-results a").first.wait_for(timeout=15_000)
    violations = axe(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]
