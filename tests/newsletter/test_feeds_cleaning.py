"""Feed HTML gets absolute URLs and loses scripts."""

from plugin_core.feed_html import clean_feed_html


def test_relative_urls_become_absolute_and_others_stay():
    html = (
        '<a href="../other/">x</a><img src="fig.svg" alt="f"><a href="#note">n</a>'
        '<a href="https://example.org/a">e</a><a href="mailto:a@b.c">m</a><img src="/demos/f.svg" alt="">'
    )
    cleaned = clean_feed_html(html, "http://localhost:8000/issues/one/")
    assert 'href="http://localhost:8000/issues/other/"' in cleaned
    assert 'src="http://localhost:8000/issues/one/fig.svg"' in cleaned
    assert 'src="http://localhost:8000/demos/f.svg"' in cleaned
    assert 'href="#note"' in cleaned
    assert 'href="https://example.org/a"' in cleaned
    assert 'href="mailto:a@b.c"' in cleaned


def test_scripts_are_removed():
    cleaned = clean_feed_html('<p>a</p><script type="module">run()</script><p>b</p>', "http://x/")
    assert cleaned == "<p>a</p><p>b</p>"
