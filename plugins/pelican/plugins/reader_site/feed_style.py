"""Feeds a browser can show: an `<?xml-stylesheet?>` processing instruction that
points to the theme's XSLT file (`feeds/style.xsl`), which turns the feed into a
page that says what a feed is and lists the issues.

Feed readers ignore the instruction, so they still get the same Atom and RSS.
The link is relative to each feed file, so it works on any host and from any
folder (a stylesheet must come from the feed's own origin).
"""

from __future__ import annotations

import posixpath
from pathlib import Path

XML_DECLARATION_END = "?>"


def stylesheet_instruction(feed_path: str, stylesheet_path: str) -> str:
    """`feeds/tag/x.atom.xml`, `feeds/style.xsl` -> `<?xml-stylesheet ... href="../style.xsl"?>`."""
    href = posixpath.relpath(stylesheet_path, posixpath.dirname(feed_path) or ".")
    return f'<?xml-stylesheet type="text/xsl" href="{href}"?>'


def add_stylesheet(feed_file: Path, output: Path, stylesheet_path: str) -> None:
    """Insert the instruction after the XML declaration of a written feed (once)."""
    text = feed_file.read_text("utf-8")
    if "<?xml-stylesheet" in text:
        return
    relative = feed_file.resolve().relative_to(output.resolve()).as_posix()
    instruction = stylesheet_instruction(relative, stylesheet_path)
    if text.startswith("<?xml"):
        end = text.index(XML_DECLARATION_END) + len(XML_DECLARATION_END)
        text = f"{text[:end]}\n{instruction}{text[end:]}"
    else:
        text = f"{instruction}\n{text}"
    feed_file.write_text(text, "utf-8")
