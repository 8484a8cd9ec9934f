"""Feed entries keep a widget's static result and lose its live controls.

Feed readers run no scripts, so the part between the live markers (and the
``<noscript>`` note) would only be dead buttons; it becomes a link to the
widget on the site (plugin_core.feed_html, shared with the email edition).
No Pelican import here.
"""

from __future__ import annotations

from plugin_core.feed_html import without_live_parts


def clean_feed(feed) -> None:
    """Rewrite a feedgenerator feed's items in place."""
    for item in feed.items:
        link = item.get("link") or ""
        for key in ("description", "content"):
            if item.get(key):
                item[key] = without_live_parts(item[key], link)
