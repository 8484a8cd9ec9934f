"""Publish only the Pyodide runtime files a widget needs, from npm's ``pyodide``.

The npm package holds 13.6 MB; a page needs the four runtime files below and
a lock.  They go into ``<output>/pyodide/<version>/`` so the folder can be
cached forever (a new version gets a new folder), each with precompressed
``.br`` and ``.gz`` twins.  The lock is trimmed to its ``info`` (no packages:
the widgets are pure Python) and passed inline, so it costs no request.
No Pelican import here.
"""

from __future__ import annotations

import json
import logging
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

from plugin_core.publishing import publish_file

logger = logging.getLogger(__name__)

RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")
STDLIB = "python_stdlib.zip"  # left out when the site publishes a trimmed one (stdlib.py)
RUNTIME_FOLDER = "pyodide"
LOCK_START = re.compile(r'\s*\{\s*"info"\s*:\s*')  # the lock's first key, as Pyodide writes it


class RuntimeMissingError(Exception):
    """npm's pyodide package is not installed where the plugin looks for it."""


class Runtime(NamedTuple):
    """The installed npm package: where it is and which version."""

    source_dir: Path
    version: str

    @property
    def folder(self) -> str:
        """Output-relative folder, e.g. ``pyodide/314.0.7/``."""
        return f"{RUNTIME_FOLDER}/{self.version}/"


class PublishedRuntime(NamedTuple):
    """What was written: the folder and the size of each file and twin."""

    runtime: Runtime
    sizes: dict[str, dict[str, int]]

    def total(self, kind: str) -> int:
        """Sum over the runtime files of one kind of size: "raw", "br" or "gzip"."""
        return sum(size[kind] for size in self.sizes.values())


def find_runtime(package_dir: Path) -> Runtime:
    """Read the version of npm's pyodide package; explain how to install it if absent."""
    manifest = package_dir / "package.json"
    missing = [name for name in RUNTIME_FILES if not (package_dir / name).is_file()]
    if not manifest.is_file() or missing:
        raise RuntimeMissingError(
            f"pyodide_widgets: Pyodide runtime not found in {package_dir} "
            f"(missing: {', '.join(missing) or 'package.json'}). Run `npm ci` in the project "
            "folder (or `make html`, which does it), or set PYODIDE_BASE_URL to a hosted distribution."
        )
    version = json.loads(manifest.read_text(encoding="utf-8"))["version"]
    return Runtime(source_dir=package_dir, version=version)


def trimmed_lock(runtime: Runtime) -> dict:
    """The lock with its ``info`` only: Pyodide needs it to start, the widgets need no package.

    Pyodide writes ``info`` first: only that object is parsed, not the 119 kB of
    packages after it (3 ms and 0.5 MB on every build). A lock laid out otherwise
    is parsed whole.
    """
    text = (runtime.source_dir / "pyodide-lock.json").read_text(encoding="utf-8")
    info_first = LOCK_START.match(text)
    if info_first:
        info = json.JSONDecoder().raw_decode(text, info_first.end())[0]
    else:
        info = json.loads(text)["info"]
    return {"info": info, "packages": {}}


def publish_runtime(
    runtime: Runtime, output_dir: Path, cache_dir: Path, brotli_quality: int, with_stdlib: bool = True
) -> PublishedRuntime:
    """Copy the runtime files and their compressed twins into ``output/pyodide/<version>/``."""
    target = output_dir / runtime.folder
    names = [name for name in RUNTIME_FILES if with_stdlib or name != STDLIB]
    with ThreadPoolExecutor(max_workers=len(names)) as pool:
        futures = {
            name: pool.submit(
                publish_file, runtime.source_dir / name, target / name, cache_dir, brotli_quality
            )
            for name in names
        }
        sizes = {name: future.result() for name, future in futures.items()}
    published = PublishedRuntime(runtime=runtime, sizes=sizes)
    logger.info(
        "pyodide_widgets: Pyodide %s in %s (%.1f MB, %.1f MB as brotli)",
        runtime.version,
        target,
        published.total("raw") / 1e6,
        published.total("br") / 1e6,
    )
    return published
