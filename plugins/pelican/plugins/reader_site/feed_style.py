"""Feeds a browser can show: an `<?xml-stylesheet?>` processing instruction that
points to the theme's XSLT file (`feeds/style.xsl`), which turns the feed into a
page that says what a feed is and lists the issues.

Feed readers ignore the instruction, so they still get the same Atom and RSS.
The link is relative to each feed file, so it works on any host and from any
folder (a stylesheet must come from the feed's own origin).
"""

from __future__ import annotations

import io
import os
import posixpath
from pathlib import Path
from typing import Any

XML_DECLARATION_END = "?>"


def stylesheet_instruction(feed_path: str, stylesheet_path: str) -> str:
    """`feeds/tag/x.atom.xml`, `feeds/style.xsl` -> `<?xml-stylesheet ... href="../style.xsl"?>`."""
    href = posixpath.relpath(stylesheet_path, posixpath.dirname(feed_path) or ".")
    return f'<?xml-stylesheet type="text/xsl" href="{href}"?>'


def with_stylesheet(text: str, feed_path: str, stylesheet_path: str) -> str:
    """The feed `text` with the instruction after its XML declaration (once)."""
    if "<?xml-stylesheet" in text:
        return text
    instruction = stylesheet_instruction(feed_path, stylesheet_path)
    if text.startswith("<?xml"):
        end = text.index(XML_DECLARATION_END) + len(XML_DECLARATION_END)
        return f"{text[:end]}\n{instruction}{text[end:]}"
    return f"{instruction}\n{text}"


def write_with_stylesheet(feed: Any, output: Path, stylesheet_path: str) -> None:
    """Make this feed object write the instruction along with the feed.

    feedgenerator writes the XML declaration and the root element in one method,
    with no hook between them; reading each written feed back to insert the line
    cost more than the rest of this plugin on a 1,000-issue site. So the feed's
    `write` renders into memory, inserts the line and writes once. Pelican opens
    the file (its name says where the feed is); a file it skips is left alone.
    """
    write = feed.write

    def write_styled(outfile: Any, encoding: str) -> None:
        # The feed holds this function, which holds the feed: drop it, so the feed and its
        # items are freed as soon as Pelican lets go of them, not at the next full collection.
        del feed.write
        relative = os.path.relpath(str(getattr(outfile, "name", os.devnull)), output)
        if relative.startswith("..") or os.path.isabs(relative):
            write(outfile, encoding)
            return
        rendered = io.StringIO()
        write(rendered, encoding)
        outfile.write(with_stylesheet(rendered.getvalue(), Path(relative).as_posix(), stylesheet_path))

    feed.write = write_styled
