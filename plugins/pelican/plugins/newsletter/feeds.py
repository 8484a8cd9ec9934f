"""Feed entries carry the full issue, readable anywhere: absolute URLs, no scripts."""

from __future__ import annotations

import re
from urllib.parse import urljoin

# src/href/poster attributes whose value is not already absolute or a fragment/mailto.
URL_ATTRIBUTE = re.compile(
    r"""(?P<attribute>\b(?:src|href|poster)\s*=\s*)(?P<quote>["'])(?P<url>(?!(?:[a-zA-Z][\w+.-]*:|//|\#)).*?)(?P=quote)"""
)
SRCSET = re.compile(r"""\bsrcset\s*=\s*(["']).*?\1""")
SCRIPT = re.compile(r"<script\b.*?</script\s*>", re.DOTALL | re.IGNORECASE)


def absolutise(html: str, base_url: str) -> str:
    """Make every relative link and image in `html` absolute against `base_url`."""

    def replace(match: re.Match) -> str:
        url = urljoin(base_url, match.group("url"))
        return f"{match.group('attribute')}{match.group('quote')}{url}{match.group('quote')}"

    return URL_ATTRIBUTE.sub(replace, SRCSET.sub("", html))


def clean_feed_html(html: str, base_url: str) -> str:
    """Feed readers run no scripts and have no base URL: drop the one, fix the other."""
    return absolutise(SCRIPT.sub("", html), base_url)


def clean_feed(feed) -> None:
    """Rewrite every item of a feedgenerator feed in place."""
    for item in feed.items:
        base_url = item.get("link") or feed.feed.get("link", "")
        for key in ("description", "content"):
            if item.get(key):
                item[key] = clean_feed_html(item[key], base_url)
