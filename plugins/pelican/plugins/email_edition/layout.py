"""The two parts of an issue's email, from one body and one set of facts.

The HTML part is a single 600 px column of tables (what mail clients lay out
alike), its stylesheet inlined into `style` attributes with css-inline and
its classes then dropped. The text part has the same content in the same
order, with its links listed at the end. No Pelican import here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

import css_inline
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from plugin_core.template_cache import TemplateCache, environment_folder

from .issue import Issue, receipt
from .settings import EmailSettings
from .soup import BeautifulSoup
from .text import PlainText

TEMPLATES = Path(__file__).with_name("templates")
CLASS_ATTRIBUTE = re.compile(r'\sclass="[^"]*"')
_environment = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                           autoescape=select_autoescape(["html"]), keep_trailing_newline=True)
_inliner = css_inline.CSSInliner(keep_style_tags=False, keep_link_tags=False,
                                 load_remote_stylesheets=False)


def keep_compiled_templates(folder: Path) -> None:
    """Keep the compiled email template under `folder` (keyed by its source), so a build
    that makes one email does not compile it again. Once per process and folder."""
    folder = environment_folder(folder, {"autoescape": "html", "keep_trailing_newline": True})
    cache = _environment.bytecode_cache
    if isinstance(cache, TemplateCache) and cache.directory == str(folder):
        return
    _environment.bytecode_cache = TemplateCache(folder)


class Links(NamedTuple):
    """Addresses on the site that every email points to."""

    footprint: str
    feed: str


def site_links(settings: EmailSettings, footprint_url: str, feed_path: str) -> Links:
    return Links(footprint=f"{settings.site_url}/{footprint_url}",
                 feed=f"{settings.site_url}/{feed_path}")


def render_html(issue: Issue, body: str, footprint: str, settings: EmailSettings,
                links: Links, padding: int = 0) -> str:
    """The HTML part: layout, inlined CSS, no classes; `padding` spaces settle the footer.
    `body` is the email's body as HTML (`str` of email_body's tree)."""
    page = _environment.get_template("email.html").render(
        lang=issue.lang,
        subject=issue.subject,
        css=(TEMPLATES / "email.css").read_text(encoding="utf-8"),
        summary=issue.summary,
        site_url=settings.site_url,
        site_name=settings.site_name,
        site_host=urlsplit(settings.site_url).netloc,
        number=issue.number,
        date=issue.date_text,
        url=issue.url,
        title=issue.title,
        body=Markup(body),
        demos=issue.demos,
        receipt=receipt(issue.demos),
        footprint=footprint,
        footprint_url=links.footprint,
        feed_url=links.feed,
        unsubscribe=settings.unsubscribe_mailto,
        unsubscribe_page=_shared_unsubscribe_page(settings),
    )
    inlined = CLASS_ATTRIBUTE.sub("", _inliner.inline(page))
    if padding:
        inlined = inlined.replace("</body>", f"<!--{' ' * padding}--></body>", 1)
    return inlined


def _shared_unsubscribe_page(settings: EmailSettings) -> str | None:
    """The unsubscribe URL when it is the same for everyone (no `{email}` in it)."""
    url = settings.unsubscribe_url
    return url if url and "{email}" not in url else None


def body_text(body: BeautifulSoup) -> tuple[str, tuple[str, ...]]:
    """The body as text, and the links it numbers (in order), for `render_text`.

    Worked out once per email: each round of the footer's fixed point changes only
    the footer. It takes nested lists out of `body` as it goes, so give it a tree
    nothing reads afterwards (copying the tree cost as much as rendering it)."""
    writer = PlainText()
    content = writer.render(body)
    return content, tuple(writer.links)


def render_text(issue: Issue, body: tuple[str, tuple[str, ...]], footprint: str, settings: EmailSettings,
                links: Links) -> str:
    """The plain-text part; `body` is what `body_text` returns."""
    writer = PlainText()
    content, writer.links = body[0], list(body[1])
    head = [
        settings.site_name.upper(),
        f"{'Issue ' + str(issue.number) + ' · ' if issue.number else ''}{issue.date_text}",
        f"Read it on the site: {issue.url}",
    ]
    title = f"{issue.title}\n{'=' * min(len(issue.title), writer.width)}"
    cost = ["What this issue cost\n--------------------"]
    rows = []
    for demo in issue.demos:
        how = "estimated" if demo.estimated else demo.method
        rows.append(writer.paragraph(f"{demo.script}: {demo.energy}, about {demo.co2e}, {how}.", "  ", "- "))
    if rows:
        cost.append("\n".join(rows))
    cost.extend(writer.paragraph(sentence) for sentence in receipt(issue.demos))
    cost.append(writer.paragraph(f"{footprint} The site's footprint: {links.footprint}"))
    unsubscribe = (f"You receive this email because you subscribed to {settings.site_name}. To stop, "
                   f"use your mail client's unsubscribe button or write to {settings.unsubscribe_mailto} "
                   "with the subject 'unsubscribe'.")
    footer = [
        "-- ",
        writer.paragraph(unsubscribe),
        writer.paragraph(f"Every issue is also on the site, {settings.site_url}/, and in its feed, "
                         f"{links.feed}. No tracking pixels, no tracked links."),
    ]
    references = writer.references()
    parts = ["\n".join(head), title, content, "\n\n".join(cost), "\n".join(footer)]
    if references:
        parts.append("Links\n-----\n" + references)
    return "\n\n".join(parts) + "\n"
