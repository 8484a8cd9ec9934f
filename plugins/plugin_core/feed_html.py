"""An issue's HTML made fit for places that run no scripts and have no base URL.

Feed readers and mail clients show the same content as the site, but they run
no JavaScript and resolve no relative links. Two rewrites serve both (the
newsletter and pyodide_widgets plugins for the feeds, email_edition for mail):

* `clean_feed_html`: scripts go, every `src`/`href`/`poster` becomes absolute;
* `without_live_parts`: an interactive part, written between `LIVE_START` and
  `LIVE_END` inside a `<figure class="pw-widget" id=...>`, becomes a
  "Try it live" link to that figure on the site; `<noscript>` notes go too.

Pure string functions: no Pelican import here.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape
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

LIVE_START = "<!--pw-live-->"
LIVE_END = "<!--/pw-live-->"
# Up to the end marker, or to the end of the text when a summary was cut inside the live part.
LIVE_PART = re.compile(re.escape(LIVE_START) + r".*?(?:" + re.escape(LIVE_END) + r"|\Z)", re.DOTALL)
LIVE_FIGURE_START = '<figure class="pw-widget" id="'
LIVE_FIGURE = re.compile(re.escape(LIVE_FIGURE_START) + r'(?P<id>[^"]+)"')
NOSCRIPT = re.compile(r"<noscript>.*?</noscript>", re.DOTALL)


def absolutise(html: str, base_url: str) -> str:
    """Make every relative link and image in `html` absolute against `base_url`."""

    def replace(match: re.Match) -> str:
        url = urljoin(base_url, match.group("url"))
        return f"{match.group('attribute')}{match.group('quote')}{url}{match.group('quote')}"

    return URL_ATTRIBUTE.sub(replace, SRCSET.sub("", html))


# An issue is in the Atom and the RSS feed of each of its lists, which Pelican writes one
# after the other: 128 holds the summaries and contents of a pair of 50-item feeds.
@lru_cache(maxsize=128)
def clean_feed_html(html: str, base_url: str) -> str:
    """Feed readers run no scripts and have no base URL: drop the one, fix the other.

    Kept until `clean_feed_html.cache_clear()` (the newsletter plugin calls it once
    the feeds are written)."""
    return absolutise(SCRIPT.sub("", html), base_url)


def without_live_parts(html: str, link: str) -> str:
    """`html` with each live part replaced by a "Try it live" link to `link#figure-id`."""
    if LIVE_START not in html:
        return html
    pieces = []
    position = 0
    for match in LIVE_PART.finditer(html):
        # The figure the part is in: the last one opened before it, found backwards.
        opening = html.rfind(LIVE_FIGURE_START, 0, match.start())
        figure = LIVE_FIGURE.match(html, opening, match.start()) if opening >= 0 else None
        anchor = f"{link.split('#')[0]}#{figure.group('id')}" if figure else link
        pieces.append(html[position : match.start()])
        pieces.append(
            f'<p class="pw-try"><a href="{escape(anchor, quote=True)}">'
            "Try it live: run this model on your own device</a></p>"
        )
        position = match.end()
    pieces.append(html[position:])
    return NOSCRIPT.sub("", "".join(pieces))
