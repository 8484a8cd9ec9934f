"""Feed entries carry the full issue, readable anywhere: absolute URLs, no scripts."""

from __future__ import annotations

from plugin_core.feed_html import clean_feed_html


def clean_feed(feed) -> None:
    """Rewrite every item of a feedgenerator feed in place."""
    for item in feed.items:
        base_url = item.get("link") or feed.feed.get("link", "")
        for key in ("description", "content"):
            if item.get(key):
                item[key] = clean_feed_html(item[key], base_url)
