"""`make publish` output (publishconf.py: absolute URLs, precompressed files) works when served."""

from __future__ import annotations

import json
import re
import shutil

import feedparser
import pytest

from tests.helpers import PROJECT, build_site, log_of, serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The project's content built with publishconf.py for the address it is then served at."""
    root = tmp_path_factory.mktemp("published")
    output = root / "output"
    output.mkdir()
    shutil.copytree(PROJECT / "_demo_cache", root / "_demo_cache")
    with serve(output) as url:
        site_url = url.rstrip("/")
        result = build_site(
            output,
            settings=PROJECT / "publishconf.py",
            extra={"DEMOS_CACHE_PATH": str(root / "_demo_cache")},
            env={"SITEURL": site_url},
        )
        assert result.returncode == 0, log_of(result)
        yield output, site_url


def widget_pages(output) -> list[str]:
    return sorted(
        str(path.parent.relative_to(output))
        for path in output.rglob("index.html")
        if 'class="pw-widget"' in path.read_text(encoding="utf-8")
    )


def test_published_widgets_run_when_served(page, published):
    output, site_url = published
    (post,) = widget_pages(output)
    page.goto(f"{site_url}/{post}/")
    ids = page.eval_on_selector_all(".pw-widget", "widgets => widgets.map((w) => w.id)")
    assert len(ids) >= 2
    for widget_id in ids:
        static = json.loads(page.get_attribute(f"#{widget_id} .pw-result", "data-pw-result"))
        page.click(f"#{widget_id} .pw-run")
        page.wait_for_function(
            "(id) => document.querySelector(`#${id} .pw-result`).dataset.pwRuns",
            arg=widget_id,
            timeout=90_000,
        )
        live = json.loads(page.get_attribute(f"#{widget_id} .pw-result", "data-pw-result"))
        assert live == static  # the sample input is untouched: same code, same result
        assert page.inner_text(f"#{widget_id} .pw-error") == ""
    assert page.console_errors == []


def test_published_feeds_link_to_the_live_widgets_absolutely(published):
    output, site_url = published
    (post,) = widget_pages(output)
    feed = feedparser.parse((output / "feeds" / "all.atom.xml").read_text(encoding="utf-8"))
    (entry,) = [e for e in feed.entries if e.link.rstrip("/").endswith(post)]
    html = entry.content[0].value
    assert "<script" not in html and "<button" not in html
    links = re.findall(r'<a href="([^"]+)">Try it live', html)
    assert links and all(link.startswith(f"{site_url}/{post}/#widget-") for link in links)
