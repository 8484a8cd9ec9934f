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
    text: str
    bibtex: str


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
    issue = f"issue {number}" if number else ""
    date_text = f"{published.day} {published.strftime('%B')} {published.year}"
    people = " and ".join(authors)
    where = f"{site_name}, {issue}" if issue else site_name
    text = f"{people} ({published.year}). {title}. {where}, {date_text}. {url}"
    fields = [
        ("author", " and ".join(bibtex_name(author) for author in authors)),
        ("title", "{" + bibtex_escape(title) + "}"),
        ("howpublished", bibtex_escape(where)),
        ("year", str(published.year)),
        ("month", MONTHS[published.month - 1]),
        ("url", url.replace("{", "").replace("}", "")),
    ]
    body = ",\n".join(
        f"  {name:<12} = {value}" if name == "month" else f"  {name:<12} = {{{value}}}"
        for name, value in fields
    )
    bibtex = f"@misc{{{cite_key(site_name, published, number)},\n{body}\n}}"
    return Citation(text=text, bibtex=bibtex)
