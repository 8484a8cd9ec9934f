"""The search index: Pagefind, run on the written site at the end of the build.

Pagefind reads the HTML in the output folder and writes `pagefind/` (a small
WebAssembly search engine and the index in chunks) beside it. Only elements
marked `data-pagefind-body` are indexed (the theme marks each issue), so
listings and the search page itself never show up as results. The browser loads
none of it until a reader searches (theme/static/js/search.js).

Pagefind has no incremental mode and indexing a large archive takes seconds,
so the index records a digest of the pages it was built from
(`pagefind/source.sha256`); a rebuild whose marked pages are the same keeps the
index as it is. When it does run, Pagefind is given a glob of the marked pages
(site_pages.search_glob): reading every listing only to find it unmarked took a
quarter of its time.
"""

from __future__ import annotations

import contextlib
import logging
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from plugin_core.publishing import write_atomically

logger = logging.getLogger(__name__)

BUNDLE_FOLDER = "pagefind"
TIMEOUT_SECONDS = 300
SOURCE_DIGEST = "source.sha256"  # in the bundle folder: the pages (and Pagefind) it was built from


class SearchIndexError(RuntimeError):
    pass


def _stamp(pages_digest: str) -> str:
    try:
        version = metadata.version("pagefind")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return f"{pages_digest} pagefind {version}\n"


def _pagefind() -> list[str]:
    """Pagefind's binary from the pagefind_bin wheel, started directly: `python -m pagefind`
    would start a second Python (about 70 ms of CPU) only to exec the same binary."""
    try:
        from pagefind_bin import get_executable

        return [str(get_executable())]
    except (ImportError, FileNotFoundError):
        return [sys.executable, "-m", "pagefind"]  # its own error says what is missing


def build_index(output: Path, pages_digest: str | None = None, glob: str | None = None) -> None:
    """Index `output` in place; raise SearchIndexError with Pagefind's own words if it fails.

    With `pages_digest` (see site_pages.searchable_digest), an index built from
    the same pages by the same Pagefind is kept. `glob` (relative to `output`)
    limits the files Pagefind reads; without it, it reads every HTML file.
    """
    bundle = output / BUNDLE_FOLDER
    record = bundle / SOURCE_DIGEST
    if pages_digest is not None and (bundle / "pagefind.js").is_file():
        with contextlib.suppress(OSError):
            if record.read_text("utf-8") == _stamp(pages_digest):
                logger.info("reader_site: search index unchanged in %s/%s", output.name, BUNDLE_FOLDER)
                return
    with contextlib.suppress(FileNotFoundError):
        record.unlink()  # never left claiming pages that a failed run did not index
    command = [*_pagefind(), "--site", str(output), "--output-subdir", BUNDLE_FOLDER, "--quiet"]
    if glob:
        command += ["--glob", glob]
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
    if not (output / BUNDLE_FOLDER / "pagefind.js").is_file():
        raise SearchIndexError(f"Pagefind wrote no {BUNDLE_FOLDER}/pagefind.js in {output}")
    if pages_digest is not None:
        write_atomically(record, _stamp(pages_digest).encode("utf-8"))
    logger.info("reader_site: search index built in %s/%s", output.name, BUNDLE_FOLDER)
