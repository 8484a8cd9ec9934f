"""The plain-text part, written for reading rather than made by removing tags.

Headings are underlined, paragraphs wrapped at 72 columns, lists keep their
bullets and numbers, links become numbered references listed at the end,
preformatted demo output keeps its columns, a figure becomes its description
and a reference to the image, and a widget's sample drawing and probabilities
are drawn with characters. No Pelican import here.
"""

from __future__ import annotations

import re
import textwrap

from .soup import Comment, NavigableString, Tag, parse

WIDTH = 72
BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "pre", "blockquote", "figure",
          "figcaption", "div", "section", "article", "header", "footer", "dl", "dt", "dd", "table",
          "tr", "hr", "main", "nav", "aside"}
UNDERLINE = {"h1": "=", "h2": "-"}
SPACES = re.compile(r"\s+")
MANY_SPACES = re.compile(r" {2,}")


class PlainText:
    """Renders HTML as text; one instance per message, so link numbers run through it."""

    def __init__(self, width: int = WIDTH) -> None:
        self.width = width
        self.links: list[str] = []

    def ref(self, url: str) -> int:
        """The number of `url` in the references, adding it when new."""
        if url not in self.links:
            self.links.append(url)
        return self.links.index(url) + 1

    def render(self, html: str | Tag) -> str:
        """The text of `html`: blocks separated by one blank line."""
        node = parse(html) if isinstance(html, str) else html
        return "\n\n".join(block for block in self.blocks(node) if block.strip())

    def references(self) -> str:
        """The numbered list of every link met so far."""
        return "\n".join(f"[{number}] {url}" for number, url in enumerate(self.links, start=1))

    def paragraph(self, text: str, indent: str = "", first: str | None = None) -> str:
        """`text` wrapped to the width; `first` replaces the indent on the first line."""
        lines = []
        for index, part in enumerate(text.split("\n")):
            part = MANY_SPACES.sub(" ", part).strip()
            lead = first if first is not None and index == 0 else indent
            lines.append(textwrap.fill(part, self.width, initial_indent=lead, subsequent_indent=indent,
                                       break_long_words=False, break_on_hyphens=False) or lead.rstrip())
        return "\n".join(lines)

    # -- blocks ---------------------------------------------------------------

    def blocks(self, node: Tag) -> list[str]:
        out: list[str] = []
        run: list[str] = []

        def flush() -> None:
            text = "".join(run).strip()
            if text:
                out.append(self.paragraph(text))
            run.clear()

        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                run.append(SPACES.sub(" ", str(child)))
            elif isinstance(child, Tag) and child.name in BLOCKS:
                flush()
                out.extend(self.block(child))
            elif isinstance(child, Tag):
                run.append(self.inline_tag(child))
        flush()
        return out

    def block(self, tag: Tag) -> list[str]:
        name = tag.name
        classes = tag.get("class") or []
        if name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            title = SPACES.sub(" ", self.inline(tag)).strip()
            return [f"{title}\n{UNDERLINE.get(name, '.') * min(len(title), self.width)}"]
        if name == "pre":
            text = tag.get_text().rstrip("\n")
            return ["\n".join("    " + line if line else "" for line in text.split("\n"))]
        if name in ("ul", "ol"):
            return [self.list(tag)]
        if name == "dl":
            return [self.definitions(tag)]
        if name == "table":
            return [self.table(tag, classes)]
        if name == "figure":
            return self.figure(tag)
        if name == "blockquote":
            inner = "\n\n".join(self.blocks(tag))
            return ["\n".join("> " + line if line else ">" for line in inner.split("\n"))]
        if name == "hr":
            return ["-" * 24]
        return self.blocks(tag)

    def list(self, tag: Tag, depth: int = 0) -> str:
        items = []
        for number, item in enumerate(tag.find_all("li", recursive=False), start=1):
            marker = f"{number}. " if tag.name == "ol" else "- "
            indent = "  " * depth
            nested = [child for child in item.find_all(("ul", "ol"), recursive=False)]
            for child in nested:
                child.extract()
            text = self.paragraph(" ".join(self.blocks(item)), indent + " " * len(marker), indent + marker)
            items.append(text)
            items.extend(self.list(child, depth + 1) for child in nested)
        return "\n".join(items)

    def definitions(self, tag: Tag) -> str:
        lines = []
        term = ""
        for child in tag.find_all(("dt", "dd"), recursive=False):
            text = SPACES.sub(" ", self.inline(child)).strip()
            if child.name == "dt":
                term = text
            else:
                lines.append(self.paragraph(f"{term}: {text}" if term else text, "  ", ""))
                term = ""
        return "\n".join(lines)

    def table(self, tag: Tag, classes: list[str]) -> str:
        rows = tag.find_all("tr")
        if "pw-grid-mail" in classes:
            label = str(tag.get("aria-label", "Sample input"))
            drawing = [" ".join("#" if "on" in (cell.get("class") or []) else "."
                                for cell in row.find_all("td")) for row in rows]
            return f"{label}:\n\n" + "\n".join("    " + line for line in drawing)
        if "pw-probs-mail" in classes:
            cells = [[cell.get_text(strip=True) for cell in row.find_all("td")] for row in rows]
            width = max((len(row[0]) for row in cells), default=0)
            lines = []
            for label, _bar, percent in cells:
                share = int(percent.rstrip("%") or 0)
                lines.append(f"    {label:<{width}}  {percent:>4}  {'#' * round(share / 5)}".rstrip())
            return "\n".join(lines)
        cells = [[SPACES.sub(" ", self.inline(cell)).strip() for cell in row.find_all(("th", "td"))]
                 for row in rows]
        return "\n".join(self.paragraph(" | ".join(row), "  ", "") for row in cells if any(row))

    def figure(self, tag: Tag) -> list[str]:
        caption_tag = tag.find("figcaption")
        caption = SPACES.sub(" ", caption_tag.get_text()).strip() if caption_tag else ""
        out = []
        alts = []
        for img in tag.find_all("img"):
            alt = SPACES.sub(" ", str(img.get("alt", ""))).strip() or "an image"
            alts.append(alt)
            out.append(self.paragraph(f"[Figure: {alt}] [{self.ref(str(img.get('src', '')))}]"))
        if caption and not any(alt.startswith(caption) for alt in alts):
            out.append(self.paragraph(caption))
        if caption_tag is not None:
            caption_tag.extract()
        for img in tag.find_all("img"):
            img.extract()
        out.extend(self.blocks(tag))
        return out

    # -- inline ---------------------------------------------------------------

    def inline(self, node: Tag) -> str:
        """The text inside `node`, links numbered."""
        parts = []
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):  # source line breaks are spaces; <br> is "\n"
                parts.append(SPACES.sub(" ", str(child)))
            elif isinstance(child, Tag):
                parts.append(self.inline_tag(child))
        return "".join(parts)

    def inline_tag(self, tag: Tag) -> str:
        """The text of `tag` itself: a line break, an image, a link, or its contents."""
        if tag.name == "br":
            return "\n"
        if tag.name == "img":
            alt = str(tag.get("alt", "")).strip()
            return f"[{alt or 'image'}] [{self.ref(str(tag.get('src', '')))}]"
        if tag.name == "a" and tag.get("href") and not str(tag["href"]).startswith("#"):
            return self.link(tag)
        return self.inline(tag)

    def link(self, anchor: Tag) -> str:
        url = str(anchor["href"])
        text = SPACES.sub(" ", self.inline(anchor)).strip()
        shown = url.removeprefix("mailto:")
        if not text or text in (url, shown):
            return shown
        return f"{text} [{self.ref(url)}]"
