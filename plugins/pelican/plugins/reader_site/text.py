"""Facts read from an issue's own HTML: plain text, a description, reading time,
its sections (for a table of contents) and anchors for its headings.

Everything returned is plain text, never markup: templates escape it for the
context they put it in (`|e` in attributes and text). Jinja's `striptags` is not
used on purpose: it unescapes entities, so `&lt;script&gt;` in an issue would
come back as a live tag in a meta description.
"""

from __future__ import annotations

import html
import math
import re
from html.parser import HTMLParser
from typing import NamedTuple

from markupsafe import Markup

WORDS_PER_MINUTE = 230
DESCRIPTION_LENGTH = 160
# Demo blocks, widgets, code and collapsed details are not read as prose.
SKIPPED_CLASSES = frozenset({"demo", "pw-widget", "build-error", "toc", "cite", "headerlink"})
SKIPPED_TAGS = frozenset({"pre", "script", "style", "details", "figure", "template", "noscript"})
VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                       "meta", "source", "track", "wbr"})
HEADING = re.compile(r"<h([2-4])\b([^>]*)\bid=\"([^\"]+)\"([^>]*)>(.*?)</h\1>", re.DOTALL)
TAG = re.compile(r"<[^>]+>")


class Section(NamedTuple):
    level: int
    anchor: str
    title: str  # plain text


PARAGRAPH_TAGS = frozenset({"p", "li", "blockquote", "dd"})


class _Prose(HTMLParser):
    """Collects the words outside skipped blocks, and the text of each paragraph."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # open elements: (tag, skips its content)
        self.paragraphs: list[list[str]] = []
        self.words: list[str] = []

    def skipping(self) -> bool:
        return any(skips for _, skips in self.stack)

    def in_paragraph(self) -> bool:
        return any(tag in PARAGRAPH_TAGS for tag, _ in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_TAGS:
            return
        classes = set((dict(attrs).get("class") or "").split())
        if tag in PARAGRAPH_TAGS and not self.skipping() and not self.in_paragraph():
            self.paragraphs.append([])
        self.stack.append((tag, tag in SKIPPED_TAGS or bool(classes & SKIPPED_CLASSES)))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):  # tolerate unclosed children
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if self.skipping():
            return
        self.words.extend(data.split())
        if self.paragraphs and self.in_paragraph():
            self.paragraphs[-1].append(data)


def _prose(content: str) -> _Prose:
    parser = _Prose()
    parser.feed(content)
    parser.close()
    return parser


def plain(text: str) -> str:
    """`a <em>b</em> &amp; c` -> `a b & c`, whitespace collapsed."""
    return " ".join(html.unescape(TAG.sub("", text)).split())


def shorten(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """Cut at a word boundary and mark the cut with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.-–— ")
    return cut + "…"


def escaped_description(value: object) -> Markup:
    """Template filter: plain text (titles after `striptags`, tag names) shortened
    and escaped for an attribute."""
    return Markup(html.escape(shorten(str(value)), quote=True))


def description(content: str, metadata: dict | None = None) -> str:
    """The author's own summary if given, else the first paragraphs of prose."""
    metadata = metadata or {}
    for key in ("description", "summary"):
        value = metadata.get(key)
        if value:
            return shorten(plain(str(value)))
    text = ""
    for paragraph in _prose(content).paragraphs:
        text = f"{text} {' '.join(''.join(paragraph).split())}".strip()
        if len(text) >= DESCRIPTION_LENGTH // 2:
            break
    return shorten(text)


def reading_minutes(content: str) -> int:
    """Minutes to read the prose at 230 words a minute, at least one."""
    return max(1, math.ceil(len(_prose(content).words) / WORDS_PER_MINUTE))


def sections(content: str, levels: tuple[int, ...] = (2, 3)) -> list[Section]:
    """Headings with an id, in order, for a table of contents."""
    found = []
    for match in HEADING.finditer(content):
        level = int(match.group(1))
        if level in levels:
            found.append(Section(level, html.unescape(match.group(3)), plain(match.group(5))))
    return found


def heading_anchors(content: str) -> str:
    """Give each h2-h4 with an id a link to itself, named for screen readers."""

    def add(match: re.Match) -> str:
        level, before, anchor, after, inner = match.groups()
        if 'class="anchor"' in inner:
            return match.group(0)
        label = html.escape(f"Link to the section {plain(inner)}", quote=True)
        link = f' <a class="anchor" href="#{anchor}" aria-label="{label}">#</a>'
        return f"<h{level}{before}id=\"{anchor}\"{after}>{inner}{link}</h{level}>"

    return HEADING.sub(add, content)
