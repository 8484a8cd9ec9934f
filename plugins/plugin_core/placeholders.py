"""Placeholders: what a directive leaves in a page until its plugin can fill it.

A directive's work often needs the whole site read first (demos run once for
every post; widgets need the demos' weights), so the Markdown handler leaves
an HTML comment that carries the request as base64 JSON:

    <!--plugin-core:demo:eyJzY3JpcHQiOi...-->

Because the request is inside the page, a post that Pelican took from its
content cache still finds it.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from typing import Any

PREFIX = "plugin-core"


def _pattern(kind: str) -> re.Pattern[str]:
    return re.compile(rf"<!--{PREFIX}:{re.escape(kind)}:(?P<payload>[A-Za-z0-9_=-]+)-->")


def encode(kind: str, payload: dict[str, Any]) -> str:
    """The placeholder comment for one request of `kind` ("demo", "widget")."""
    data = base64.urlsafe_b64encode(json.dumps(payload, sort_keys=True).encode()).decode()
    return f"<!--{PREFIX}:{kind}:{data}-->"


def decode(data: str) -> dict[str, Any]:
    return json.loads(base64.urlsafe_b64decode(data.encode()))


def find(kind: str, html: str) -> list[dict[str, Any]]:
    """The payloads of every `kind` placeholder in `html`, in page order."""
    return [decode(match.group("payload")) for match in _pattern(kind).finditer(html or "")]


def fill(kind: str, html: str, render: Callable[[dict[str, Any]], str]) -> str:
    """`html` with each `kind` placeholder replaced by `render(payload)`."""
    return _pattern(kind).sub(lambda match: render(decode(match.group("payload"))), html)


def fill_content(content: Any, kind: str, render: Callable[[dict[str, Any]], str]) -> None:
    """Fill the placeholders of one Pelican content object and forget its memoized HTML."""
    content._content = fill(kind, content._content, render)
    forget_rendered(content)


def forget_rendered(content: Any) -> None:
    """Drop Pelican's memoized `get_content`/`get_summary` of `content`: its HTML changed.

    Pelican memoizes both (pelican.utils.memoized); a summary asked for before
    the placeholder was filled would otherwise keep the placeholder.
    """
    for method in ("get_content", "get_summary"):
        cache = getattr(getattr(content, method, None), "cache", None)
        if isinstance(cache, dict):
            for key in [key for key in cache if key and key[0] is content]:
                del cache[key]
