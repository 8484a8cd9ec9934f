"""The search index: Pagefind, run on the written site at the end of the build.

Pagefind reads the HTML in the output folder and writes `pagefind/` (a small
WebAssembly search engine and the index in chunks) beside it. Only elements
marked `data-pagefind-body` are indexed (the theme marks each issue), so
listings and the search page itself never show up as results. The browser loads
none of it until a reader searches (theme/static/js/search.js).
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

logger = logging.getLogger(__name__)

BUNDLE_FOLDER = "pagefind"
TIMEOUT_SECONDS = 300


class SearchIndexError(RuntimeError):
    pass


def build_index(output: Path) -> None:
    """Index `output` in place; raise SearchIndexError with Pagefind's own words if it fails."""
    command = [sys.executable, "-m", "pagefind", "--site", str(output),
               "--output-subdir", BUNDLE_FOLDER, "--quiet"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    except FileNotFoundError as error:  # pragma: no cover (the venv's own python)
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
    logger.info("reader_site: search index built in %s/%s", output.name, BUNDLE_FOLDER)
