"""Emails of unchanged issues, kept between builds.

Building one issue's email (HTML made fit for an inbox, CSS inlined, PNG copies
of its figures, the footer's fixed point) takes tens of milliseconds: a rebuild
of a 1,000-issue archive spent most of its time building emails nobody changed.
So what each built email costs is kept in a memo (plugin_core.memo) under a
hash of everything that decides the email: the issue as the email reads it
(its HTML, title, date, summary and demo bills), the email settings, the
footprint's transfer model, the feed, the bytes of the files it shows, and this
package's code and templates. An entry is used only while what it wrote is
still there: the PNG copies of its figures and, when the email is written, the
`.eml` byte for byte. Errors are never kept: a figure that cannot be drawn or
an HTML part over budget is reported on every build. The footer sentence of each
issue's latest email is kept too, by slug, in a memo of its own that only a
build that builds an email reads: an edited issue's footer usually says what it
said before, so that sentence is the first one tried.

An entry holds the email's figures as a list, without the page's title and URL
(the issue gives them, and they are part of its key): at 1,000 issues the memo is
held whole while emails are checked, at the build's highest point of memory.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from plugin_core.email_link import EmailEdition, TransferModel
from plugin_core.memo import Memo, source_digest
from plugin_core.memo import key as memo_key

from .issue import Issue
from .settings import EmailSettings
from .site_files import local_file

PACKAGE = Path(__file__).parent
CORE = PACKAGE.parents[2] / "plugin_core"  # plugins/pelican/plugins/email_edition -> plugins/plugin_core
ISSUE_FIELDS_BUT_HTML = tuple(name for name in Issue._fields if name != "html")
FIGURES_FROM = EmailEdition._fields.index("message_bytes")  # page_title and page_url come first
IMAGE_SOURCE = re.compile(r"""<img\b[^>]*?\bsrc=["']([^"']+)["']""", re.IGNORECASE)


def code_digest() -> str:
    """This package's code and templates, and the core's: a change to any rebuilds every email."""
    return source_digest((PACKAGE, CORE), frozenset({".py", ".html", ".txt", ".css"}))


def memo_path(project_root: Path, output: Path, kind: str = "editions") -> Path:
    """One file of each `kind` ("editions", "footers") per output folder, as the footprint's
    page memory: two sites keep their own."""
    name = hashlib.sha256(str(output.resolve()).encode("utf-8")).hexdigest()[:16]
    return project_root / ".cache" / "email_edition" / f"{kind}-{name}.json"


def shared_key(settings: EmailSettings, model: TransferModel, feed: str) -> str:
    """A hash of what every issue's email is made from: the code, the settings, the model."""
    wanted = settings._replace(only_issue="")  # which issues are written is not the email
    return memo_key(code_digest(), repr(wanted), repr(model), feed)


def edition_key(issue: Issue, shared: str, site_url: str, output: Path) -> str:
    """A hash of everything the email of `issue` is made from (`shared`: see shared_key).

    The HTML is hashed as it is: its repr() would copy and escape it, which cost
    three times as much as the hash.
    """
    shown = []
    for source in IMAGE_SOURCE.findall(issue.html):
        path = local_file(source, site_url, output)
        shown.append(path.read_bytes() if path is not None else b"")
    described = repr(tuple(getattr(issue, name) for name in ISSUE_FIELDS_BUT_HTML))
    return memo_key(shared, described, issue.html, *shown)


def footer_entry(slug: str) -> str:
    """Where the footer sentence of the issue `slug`'s latest email is kept: the first
    guess of its footer's fixed point when the issue is edited (edition.build_edition)."""
    return memo_key("footer sentence", slug)


def record(edition: EmailEdition, images: list[tuple[str, int]], eml: bytes | None,
           written: Path | None = None) -> dict[str, Any]:
    """What a later build needs: the figures for the Footprint page, and what must still be there.

    `written` is the `.eml` just written with the bytes `eml`: while its size and modification
    time are unchanged, a later build need not read it to know it is still those bytes.
    """
    stat = written.stat() if written is not None else None
    return {
        "figures": list(edition[FIGURES_FROM:]),  # what follows the page's title and URL
        "images": images,
        "eml_sha256": hashlib.sha256(eml).hexdigest() if eml is not None else None,
        "eml_stat": [stat.st_size, stat.st_mtime_ns] if stat is not None else None,
    }


def cached_edition(memo: Memo, entry: str, output: Path, target: Path | None,
                   page_title: str, page_url: str) -> EmailEdition | None:
    """The kept edition under `entry`, if what it wrote is still in `output` as it was.
    `page_title` and `page_url` are the issue's (the entry does not repeat them)."""
    kept = memo.get(entry)
    if not isinstance(kept, dict):
        return None
    try:
        for relative, size in kept["images"]:
            if (output / relative).stat().st_size != size:
                return None
        if target is not None:
            written, stat = kept["eml_sha256"], target.stat()
            if kept.get("eml_stat") != [stat.st_size, stat.st_mtime_ns]:
                if written is None or hashlib.sha256(target.read_bytes()).hexdigest() != written:
                    return None
                memo.put(entry, {**kept, "eml_stat": [stat.st_size, stat.st_mtime_ns]})  # same bytes
        return EmailEdition(page_title, page_url, *kept["figures"])  # TypeError if the count is off
    except (OSError, KeyError, TypeError, ValueError):
        return None  # gone, changed or unreadable: built again
