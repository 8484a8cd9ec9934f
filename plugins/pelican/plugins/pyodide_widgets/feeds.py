"""Feed entries keep a widget's static result and lose its live controls.

Feed readers run no scripts, so the part between the live markers (and the
``<noscript>`` note) would only be dead buttons; it becomes a link to the
widget on the site.  No Pelican import here.
"""

from __future__ import annotations

import re
from html import escape

from .render import LIVE_END, LIVE_START

# Up to the end marker, or to the end of the text when a summary was cut inside the live part.
LIVE_PART = re.compile(re.escape(LIVE_START) + r".*?(?:" + re.escape(LIVE_END) + r"|\Z)", re.DOTALL)
WIDGET_OPEN = re.compile(r'<figure class="pw-widget" id="(?P<id>[^"]+)"')
NOSCRIPT = re.compile(r"<noscript>.*?</noscript>", re.DOTALL)


def feed_html(html: str, link: str) -> str:
    """``html`` with each widget's live part replaced by a "try it live" link to ``link#widget``."""
    if LIVE_START not in html:
        return html
    pieces = []
    position = 0
    for match in LIVE_PART.finditer(html):
        openings = list(WIDGET_OPEN.finditer(html, 0, match.start()))
        anchor = f"{link.split('#')[0]}#{openings[-1].group('id')}" if openings else link
        pieces.append(html[position : match.start()])
        pieces.append(
            f'<p class="pw-try"><a href="{escape(anchor, quote=True)}">'
            "Try it live: run this model on your own device</a></p>"
        )
        position = match.end()
    pieces.append(html[position:])
    return NOSCRIPT.sub("", "".join(pieces))


def clean_feed(feed) -> None:
    """Rewrite a feedgenerator feed's items in place."""
    for item in feed.items:
        link = item.get("link") or ""
        for key in ("description", "content"):
            if item.get(key):
                item[key] = feed_html(item[key], link)
