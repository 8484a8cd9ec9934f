"""Publish the MicroPython runtime, from npm's ``@micropython/micropython-webassembly-pyscript``.

The package is the WebAssembly port PyScript uses: ``micropython.mjs`` and
``micropython.wasm``, 541 KB together: as brotli, about a sixteenth of the
trimmed Pyodide runtime (a twentieth of the full one).
Both go into ``<output>/micropython/<version>/`` (a new version is a new
folder, so it can be cached forever), each with ``.br`` and ``.gz`` twins.
The build-time check (``micropython_check``) runs the same installed files
in Node.  No Pelican import here.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import NamedTuple

from plugin_core.publishing import publish_file

logger = logging.getLogger(__name__)

NPM_NAME = "@micropython/micropython-webassembly-pyscript"
RUNTIME_FILES = ("micropython.mjs", "micropython.wasm")
RUNTIME_FOLDER = "micropython"
# MicroPython's garbage-collected heap, the same in the browser and in the build check.
# The default (1 MiB) holds a few thousand weights; 4 MiB leaves room and costs no download.
HEAP_BYTES = 4 * 1024 * 1024


class MicroPythonMissingError(Exception):
    """npm's MicroPython package is not installed where the plugin looks for it."""


class MicroPythonRuntime(NamedTuple):
    """The installed npm package: where it is and which version."""

    source_dir: Path
    version: str

    @property
    def folder(self) -> str:
        """Output-relative folder, e.g. ``micropython/1.27.0/``."""
        return f"{RUNTIME_FOLDER}/{self.version}/"

    @property
    def module(self) -> Path:
        """``micropython.mjs``, which Node imports for the build-time check."""
        return self.source_dir / "micropython.mjs"


class PublishedMicroPython(NamedTuple):
    """What was written: the runtime and the size of each file and twin."""

    runtime: MicroPythonRuntime
    sizes: dict[str, dict[str, int]]

    def total(self, kind: str) -> int:
        """Sum over the runtime files of one kind of size: "raw", "br" or "gzip"."""
        return sum(size[kind] for size in self.sizes.values())


def find_runtime(package_dir: Path) -> MicroPythonRuntime:
    """Read the installed version; explain how to install the package if it is absent."""
    manifest = package_dir / "package.json"
    missing = [name for name in RUNTIME_FILES if not (package_dir / name).is_file()]
    if not manifest.is_file() or missing:
        raise MicroPythonMissingError(
            f"MicroPython runtime not found in {package_dir} "
            f"(missing: {', '.join(missing) or 'package.json'}). Run `npm ci` in the project folder "
            f"(or `make html`, which does it); package.json pins {NPM_NAME}. "
            "Or set MICROPYTHON_NPM_PACKAGE to where it is installed."
        )
    version = json.loads(manifest.read_text(encoding="utf-8"))["version"]
    return MicroPythonRuntime(source_dir=package_dir, version=version)


def publish_runtime(
    runtime: MicroPythonRuntime, output_dir: Path, cache_dir: Path, brotli_quality: int
) -> PublishedMicroPython:
    """Copy the runtime files and their compressed twins into ``output/micropython/<version>/``."""
    target = output_dir / runtime.folder
    sizes = {
        name: publish_file(runtime.source_dir / name, target / name, cache_dir, brotli_quality)
        for name in RUNTIME_FILES
    }
    published = PublishedMicroPython(runtime=runtime, sizes=sizes)
    logger.info(
        "pyodide_widgets: MicroPython %s in %s (%.0f kB, %.0f kB as brotli)",
        runtime.version,
        target,
        published.total("raw") / 1e3,
        published.total("br") / 1e3,
    )
    return published
