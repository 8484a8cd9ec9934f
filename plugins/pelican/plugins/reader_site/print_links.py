"""Printed issues show where their links go, as the published site's absolute URLs.

The print stylesheet writes `attr(href)` after each link, which is useless for the
relative links a RELATIVE_URLS build writes (`../../tag/x/`). So each relative
link inside an issue or page body gets `data-print-href` with its absolute URL,
and the print stylesheet shows that instead. The theme applies `print_hrefs` to
the <article> of issues and pages while rendering them (no second pass over the
written site); listings are not worth printing.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin

ABSOLUTE_START = r"(?:[a-zA-Z][\w+.-]*:|//|#)"  # a scheme, a protocol-relative URL or a fragment
ABSOLUTE = re.compile("^" + ABSOLUTE_START)
# Links whose href does not start like an absolute one (most links in an issue are):
# the others are never handed to Python. `add` still checks the unescaped href. Only the
# href attribute itself: not data-href, whatever comes first.
LINK = re.compile(
    r"""<a\b(?P<before>[^>]*?)(?<![\w-])href="(?!""" + ABSOLUTE_START
    + r""")(?P<href>[^"]*)"(?P<after>[^>]*)>"""
)


def print_hrefs(fragment: str, page_url: str) -> str:
    """Template filter: add data-print-href to every relative link of `fragment`.

    The theme wraps each issue's and page's <article> in it, so links are marked
    as the page is rendered, before Pelican writes it. `page_url` is the page's
    absolute address; without one (a build without this plugin) nothing changes.
    """
    if "://" not in page_url:
        return fragment

    def add(match: re.Match) -> str:
        href = html.unescape(match.group("href"))
        if ABSOLUTE.match(href) or "data-print-href" in match.group(0):
            return match.group(0)
        absolute = html.escape(urljoin(page_url, href), quote=True)
        return f'{match.group(0)[:-1]} data-print-href="{absolute}">'

    return LINK.sub(add, fragment)
