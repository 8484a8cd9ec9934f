"""A Python standard library for the browser that holds only what the widgets use.

npm's ``python_stdlib.zip`` is 2.5 MB compressed and brotli cannot shrink it
further (its entries are deflated). At build time Node starts the same pinned
Pyodide, runs the worker's bootstrap and every widget of the site on its sample
input, and writes a zip of just the modules that this imported, compiled to
``.pyc`` by Pyodide's own Python (no docstrings, no line tables: less to
download and nothing to compile in the browser), stored uncompressed so the
server's brotli compresses the whole file. It then starts Pyodide from that zip
and runs the widgets again; a different result fails the build.

A widget that imports a module only on some inputs gets a clear error in the
browser naming the module (static/bootstrap.py). Results are cached by the
hash of everything that goes in. No Pelican import here.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import subprocess
from pathlib import Path
from typing import NamedTuple

from plugin_core.publishing import remembered_sha256, write_atomically

from .runtime import Runtime

logger = logging.getLogger(__name__)

TRACE_SCRIPT = Path(__file__).with_name("node") / "trace_stdlib.mjs"
BOOTSTRAP = Path(__file__).with_name("static") / "bootstrap.py"
TRACE_TIMEOUT = 300  # seconds: two Pyodide start-ups in Node, about 3 s each here


class StdlibError(Exception):
    """The trimmed standard library could not be made; the message says why."""


class TracedWidget(NamedTuple):
    """One widget as the trace runs it: its code, its weights and its sample input."""

    name: str
    source: str
    weights: str
    sample: list


def cache_key(runtime: Runtime, widgets: list[TracedWidget], cache_dir: Path) -> str:
    digest = hashlib.sha256()
    for part in (runtime.version, TRACE_SCRIPT.read_text(), BOOTSTRAP.read_text()):
        digest.update(part.encode())
    # The 2.5 MB library is hashed again only when it changed (a note in cache_dir).
    digest.update(remembered_sha256(runtime.source_dir / "python_stdlib.zip", cache_dir).encode())
    digest.update(json.dumps([w._asdict() for w in sorted(widgets, key=lambda w: w.name)]).encode())
    return digest.hexdigest()[:16]


def trimmed_stdlib(runtime: Runtime, widgets: list[TracedWidget], cache_dir: Path) -> Path:
    """The trimmed zip in the cache folder, made now with Node unless it is there."""
    cached = Path(cache_dir) / f"python_stdlib-{cache_key(runtime, widgets, Path(cache_dir))}.zip"
    if cached.is_file():
        return cached
    node = shutil.which("node")
    if node is None:
        raise StdlibError(
            "Node.js is needed to trim Python's standard library for the widgets (`node` is not on PATH); "
            "install it (it comes with npm), or set PYODIDE_TRIM_STDLIB = False to publish the full library"
        )
    cached.parent.mkdir(parents=True, exist_ok=True)
    scratch = cached.with_name(f".{cached.name}.tmp")
    job = {
        "indexURL": f"{runtime.source_dir.resolve()}/",
        "bootstrap": BOOTSTRAP.read_text(),
        "output": str(scratch),
        "widgets": [
            {"name": w.name, "source": w.source, "weights": w.weights, "input": w.sample} for w in widgets
        ],
    }
    try:
        done = subprocess.run(
            [node, str(TRACE_SCRIPT)],
            input=json.dumps(job),
            capture_output=True,
            text=True,
            timeout=TRACE_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        raise StdlibError(f"trimming the standard library took over {TRACE_TIMEOUT} s in Node") from None
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-12:])
        scratch.unlink(missing_ok=True)
        raise StdlibError(f"running the widgets in Node to trim the standard library failed:\n{tail[-2000:]}")
    data = scratch.read_bytes()
    scratch.unlink()
    write_atomically(cached, data)
    modules = len(json.loads(done.stdout)["files"])
    logger.info("pyodide_widgets: standard library trimmed to %d modules (%.0f kB)", modules, len(data) / 1e3)
    return cached
