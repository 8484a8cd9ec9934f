"""The search index: Pagefind, run on the written site at the end of the build.

Pagefind reads the HTML in the output folder and writes `pagefind/` (a small
WebAssembly search engine and the index in chunks) beside it. Only elements
marked `data-pagefind-body` are indexed (the theme marks each issue), so
listings and the search page itself never show up as results. The browser loads
none of it until a reader searches (theme/static/js/search.js).

Pagefind has no incremental mode, and indexing a large archive takes seconds.
So the full index records each page it holds and that page's rendering
(`pagefind/pages.json`):

- a rebuild whose marked pages are all the same keeps the index as it is;
- with READER_SEARCH_RECENT_PAGES above 0 (pelicanconf.py, for writing; `make
  publish` sets 0), a rebuild that changed at most that many pages keeps the
  full index. Pages new since it are indexed on their own, into
  `pagefind/recent/`, when they first appear (and whenever that set of pages
  changes); a page edited since it was indexed is not indexed again, and
  `pagefind/recent.json` names it, so the search page marks its results as
  searched as it was then. An edit is what writing repeats, and Pagefind costs
  about 20 ms of CPU even for one page, as much as the rest of such a rebuild
  does beyond plain Pelican. The search page merges the recent index into the
  full one and drops the full index's results for pages removed since. Past
  that many changed pages, the full index is built again, and every page is
  searched as it is now.

When the full index is built, Pagefind is given a glob of the marked pages
(site_pages.search_glob): reading every listing only to find it unmarked took a
quarter of its time.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

from plugin_core.publishing import write_atomically

logger = logging.getLogger(__name__)

BUNDLE_FOLDER = "pagefind"
RECENT_FOLDER = "recent"  # in the bundle folder: the index of the pages changed since the full one
STAGING_FOLDER = ".recent-staging"  # where Pagefind writes it, before it replaces the last one
PAGES_RECORD = "pages.json"  # in the bundle folder: every page of the full index, and its rendering
RECENT_RECORD = "recent.json"  # in the bundle folder: what the recent index replaces; search.js reads it
RECENT_META = b' data-pagefind-meta="search_index:recent"'  # how search.js tells a recent result
# The element that holds what Pagefind indexes, after <body>: its opening tag, up to the mark.
BODY_ELEMENT = re.compile(rb"<[A-Za-z][A-Za-z0-9-]*\s[^<>]*?\bdata-pagefind-body(?=[\s/>=])")
TIMEOUT_SECONDS = 300


class SearchIndexError(RuntimeError):
    pass


def update_index(
    output: Path, marked: dict[str, str], glob: str | None = None, recent_limit: int = 0
) -> None:
    """Bring the index in `output` up to date with `marked` (page path -> digest of its rendering).

    Keeps the full index when no marked page changed, or when at most `recent_limit`
    did: then new pages are indexed on their own and edited ones named (see the
    module's docstring); otherwise builds the full index again. Raises
    SearchIndexError with Pagefind's own words if it fails.
    """
    bundle = output / BUNDLE_FOLDER
    version = _pagefind_version()
    indexed = _indexed_pages(bundle, version)
    if indexed is not None:
        changed = {path: rendering for path, rendering in marked.items() if indexed.get(path) != rendering}
        removed = sorted(set(indexed) - set(marked))
        if not changed and not removed:
            _no_recent_index(bundle, version, recent_limit)
            logger.info("reader_site: search index unchanged in %s/%s", output.name, BUNDLE_FOLDER)
            return
        few = len(changed) + len(removed) <= recent_limit and len(changed) < len(marked)
        if few and _recent_index(output, indexed, changed, removed, version):
            return
    _full_index(output, marked, glob, version, recent_limit)


def page_url(path: str) -> str:
    """The URL Pagefind gives a page, relative to the site: `issues/a/index.html` is `issues/a/`."""
    return path[: -len("index.html")] if path == "index.html" or path.endswith("/index.html") else path


def _full_index(
    output: Path, marked: dict[str, str], glob: str | None, version: str, recent_limit: int
) -> None:
    bundle = output / BUNDLE_FOLDER
    for record in (PAGES_RECORD, RECENT_RECORD):  # never left claiming what a failed run did not index
        with contextlib.suppress(FileNotFoundError):
            (bundle / record).unlink()
    command = ["--site", str(output), "--output-subdir", BUNDLE_FOLDER]
    _run_pagefind(command + (["--glob", glob] if glob else []))
    if not (bundle / "pagefind.js").is_file():
        raise SearchIndexError(f"Pagefind wrote no {BUNDLE_FOLDER}/pagefind.js in {output}")
    _write_json(bundle / PAGES_RECORD, {"pagefind": version, "pages": marked})
    _no_recent_index(bundle, version, recent_limit)
    logger.info("reader_site: search index built in %s/%s", output.name, BUNDLE_FOLDER)


def _recent_index(
    output: Path, indexed: dict[str, str], changed: dict[str, str], removed: list[str], version: str
) -> bool:
    """Index the pages new since the full index on their own, when that set of pages
    changed; name the pages edited since they were indexed. False (nothing done) if a
    new page has no marked element."""
    bundle = output / BUNDLE_FOLDER
    new = {path: rendering for path, rendering in changed.items() if path not in indexed}
    previous = _read_json(bundle / RECENT_RECORD)
    in_recent = _recent_pages(bundle, previous, version)
    rebuilt = in_recent is None or set(in_recent) != set(new)
    if rebuilt:
        in_recent = new
    edited = sorted(path for path, rendering in changed.items() if in_recent.get(path) != rendering)
    wanted = _recent_record(in_recent, edited, removed, version)
    if not rebuilt and previous == wanted:
        logger.info("reader_site: recent search index unchanged in %s/%s", output.name, BUNDLE_FOLDER)
        return True
    if rebuilt and not _build_recent_index(output, new):
        return False
    _write_json(bundle / RECENT_RECORD, wanted)
    if rebuilt:
        logger.info("reader_site: search index of %d new page(s) built in %s/%s/%s",
                    len(new), output.name, BUNDLE_FOLDER, RECENT_FOLDER)
    if edited:
        logger.info("reader_site: %d page(s) edited since the search index was built are searched as "
                    "they were then; the full index (make publish) indexes them again", len(edited))
    return True


def _recent_pages(bundle: Path, record: object, version: str) -> dict[str, str] | None:
    """The pages in the recent index and their renderings when indexed; None if there is no usable one."""
    if not isinstance(record, dict) or record.get("pagefind") != version:
        return None
    pages = record.get("pages")
    if not isinstance(pages, dict):
        return None
    if pages and not (bundle / RECENT_FOLDER / "pagefind-entry.json").is_file():
        return None
    return pages


def _build_recent_index(output: Path, pages: dict[str, str]) -> bool:
    """Pagefind on copies of `pages` marked as recent, into the recent folder (emptied if no page)."""
    bundle = output / BUNDLE_FOLDER
    copies = {path: _marked_as_recent((output / path).read_bytes()) for path in pages}
    if None in copies.values():
        return False
    with contextlib.suppress(FileNotFoundError):  # never left naming an index being replaced
        (bundle / RECENT_RECORD).unlink()
    staging = bundle / STAGING_FOLDER
    shutil.rmtree(staging, ignore_errors=True)
    if copies:
        with tempfile.TemporaryDirectory(prefix="recent-pages-") as folder:
            for path, data in copies.items():
                copy = Path(folder, path)
                copy.parent.mkdir(parents=True, exist_ok=True)
                copy.write_bytes(data)
            _run_pagefind(["--site", folder, "--output-path", str(staging)])
    shutil.rmtree(bundle / RECENT_FOLDER, ignore_errors=True)
    if copies:
        staging.rename(bundle / RECENT_FOLDER)
    return True


def _marked_as_recent(page: bytes) -> bytes | None:
    """The page with the recent-index meta on its marked element; None if that element is not found."""
    body = page.find(b"<body")
    found = BODY_ELEMENT.search(page, max(body, 0))
    if found is None:
        return None
    return page[: found.end()] + RECENT_META + page[found.end() :]


def _recent_record(in_recent: dict[str, str], edited: list[str], removed: list[str], version: str) -> dict:
    return {
        "index": f"{RECENT_FOLDER}/" if in_recent else None,  # for search.js, relative to the bundle
        # for search.js: the pages whose results from the full index are dropped
        "urls": sorted(page_url(path) for path in [*in_recent, *removed]),
        # for search.js: the pages searched as they were when indexed, not as they are now
        "edited": [page_url(path) for path in edited],
        "pagefind": version,
        "pages": in_recent,  # each with its rendering when indexed
        "removed": removed,
    }


def _no_recent_index(bundle: Path, version: str, limit: int) -> None:
    """With a recent index allowed, the record that says there is none; without, no record at all."""
    none = _recent_record({}, [], [], version)
    if limit <= 0:
        with contextlib.suppress(FileNotFoundError):
            (bundle / RECENT_RECORD).unlink()
    elif _read_json(bundle / RECENT_RECORD) != none:
        _write_json(bundle / RECENT_RECORD, none)
    for folder in (RECENT_FOLDER, STAGING_FOLDER):  # the staging folder: left by a killed build
        shutil.rmtree(bundle / folder, ignore_errors=True)


def _indexed_pages(bundle: Path, version: str) -> dict[str, str] | None:
    """The pages of the full index in `bundle`, or None when there is no usable one."""
    record = _read_json(bundle / PAGES_RECORD)
    if not isinstance(record, dict) or record.get("pagefind") != version:
        return None
    if not (bundle / "pagefind.js").is_file():
        return None
    pages = record.get("pages")
    return pages if isinstance(pages, dict) else None


def _read_json(file: Path) -> object:
    try:
        return json.loads(file.read_bytes())
    except (OSError, ValueError):
        return None


def _write_json(file: Path, value: object) -> None:
    write_atomically(file, json.dumps(value, indent=0, sort_keys=True).encode("utf-8"))


def _pagefind_version() -> str:
    try:
        return metadata.version("pagefind")
    except metadata.PackageNotFoundError:
        return "unknown"


def _pagefind() -> list[str]:
    """Pagefind's binary from the pagefind_bin wheel, started directly: `python -m pagefind`
    would start a second Python (about 70 ms of CPU) only to exec the same binary.

    The binary is found beside the package, by the names pagefind_bin's own
    `get_executable` tries: importing the package imports `platform`, whose
    regular expressions cost an edited issue's rebuild 2 ms more.
    """
    spec = importlib.util.find_spec("pagefind_bin")
    if spec is not None and spec.origin:
        folder = Path(spec.origin).parent
        suffixes = ["", ".exe"] if os.name == "nt" else [""]
        for name in ("pagefind_extended", "pagefind"):
            for suffix in suffixes:
                if (folder / f"{name}{suffix}").is_file():
                    return [str(folder / f"{name}{suffix}")]
    return [sys.executable, "-m", "pagefind"]  # its own error says what is missing


def _run_pagefind(arguments: list[str]) -> None:
    command = [*_pagefind(), *arguments, "--quiet"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    except OSError as error:  # not found, or not executable
        raise SearchIndexError(f"could not start Pagefind: {error}") from error
    except subprocess.TimeoutExpired as error:
        raise SearchIndexError(f"Pagefind took more than {TIMEOUT_SECONDS} s") from error
    if done.returncode != 0:
        details = (done.stderr or done.stdout).strip()
        if "No module named pagefind" in details:
            details = "Pagefind is not installed: run `make install` (requirements.txt pins pagefind[bin])"
        raise SearchIndexError(f"Pagefind failed: {details}")
