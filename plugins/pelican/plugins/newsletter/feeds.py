"""Feed entries carry the full issue, readable anywhere: absolute URLs, no scripts."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urljoin

# src/href/poster attributes whose value is not already absolute or a fragment/mailto.
# The name comes first and its word boundary is checked behind it (`\bsrc` written as
# `src(?<=\bsrc)`): same matches, but the regex engine can skip to the letters s/h/p.
URL_ATTRIBUTE = re.compile(
    r"""(?P<attribute>(?:src(?<=\bsrc)|href(?<=\bhref)|poster(?<=\bposter))\s*=\s*)"""
    r"""(?P<quote>["'])(?P<url>(?!(?:[a-zA-Z][\w+.-]*:|//|\#)).*?)(?P=quote)"""
)
SRCSET = re.compile(r"""srcset(?<=\bsrcset)\s*=\s*(["']).*?\1""")
SCRIPT = re.compile(r"<script\b.*?</script\s*>", re.DOTALL | re.IGNORECASE)


def absolutise(html: str, base_url: str) -> str:
    """Make every relative link and image in `html` absolute against `base_url`."""

    def replace(match: re.Match) -> str:
        url = urljoin(base_url, match.group("url"))
        return f"{match.group('attribute')}{match.group('quote')}{url}{match.group('quote')}"

    return URL_ATTRIBUTE.sub(replace, SRCSET.sub("", html))


@lru_cache(maxsize=64)  # an issue is in the Atom and the RSS feed of each of its lists
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
