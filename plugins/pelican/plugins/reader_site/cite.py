"""How to cite an issue: a plain-text reference and a BibTeX entry.

Both are plain text; the template escapes them for HTML. BibTeX needs its own
escaping on top, done here: a title with `&` or `%` must not break LaTeX.
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


class Citation(NamedTuple):
    """How to cite an issue. `text` and `bibtex` are worked out when a page shows them
    (only the issue's own page does), not kept for every issue through the build: at
    1,000 issues the two strings were 0.6 MB at the build's highest point of memory.
    `title`, `authors` and `site_name` are plain text (no markup)."""

    title: str
    authors: tuple[str, ...]
    site_name: str
    url: str
    published: date
    number: int | None = None

    @property
    def text(self) -> str:
        """A plain-text reference."""
        published = self.published
        date_text = f"{published.day} {published.strftime('%B')} {published.year}"
        people = " and ".join(self.authors)
        return f"{people} ({published.year}). {self.title}. {self._where}, {date_text}. {self.url}"

    @property
    def bibtex(self) -> str:
        """A BibTeX `@misc` entry, escaped for LaTeX."""
        fields = [
            ("author", " and ".join(bibtex_name(author) for author in self.authors)),
            ("title", "{" + bibtex_escape(self.title) + "}"),
            ("howpublished", bibtex_escape(self._where)),
            ("year", str(self.published.year)),
            ("month", MONTHS[self.published.month - 1]),
            ("url", self.url.replace("{", "").replace("}", "")),
        ]
        body = ",\n".join(
            f"  {name:<12} = {value}" if name == "month" else f"  {name:<12} = {{{value}}}"
            for name, value in fields
        )
        return f"@misc{{{cite_key(self.site_name, self.published, self.number)},\n{body}\n}}"

    @property
    def _where(self) -> str:
        return f"{self.site_name}, issue {self.number}" if self.number else self.site_name


BIBTEX_TABLE = str.maketrans(BIBTEX_SPECIAL)


def bibtex_escape(value: str) -> str:
    return value.translate(BIBTEX_TABLE)


def bibtex_name(name: str) -> str:
    """A person's name as is; an organisation ("The ...", or a long name) in braces,
    so BibTeX does not split it into first and last names."""
    escaped = bibtex_escape(name)
    if name.lower().startswith("the ") or len(name.split()) > 4:
        return "{" + escaped + "}"
    return escaped


def cite_key(site_name: str, published: date, number: int | None) -> str:
    stem = re.sub(r"[^a-z0-9]", "", site_name.lower().split(" ")[0]) or "issue"
    return f"{stem}{published.year}" + (f"issue{number}" if number else "")


def citation(
    *,
    title: str,
    authors: list[str],
    site_name: str,
    url: str,
    published: date,
    number: int | None = None,
) -> Citation:
    """`title`, `authors` and `site_name` are plain text (no markup)."""
    return Citation(title, tuple(authors), site_name, url, published, number)
