"""Build real sites into temporary folders and serve them, for tests of every feature."""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MIME_TYPES = {
    ".wasm": "application/wasm",
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".xml": "application/xml",
    ".zip": "application/zip",
    ".py": "text/x-python",
}


def build_site(
    output: Path,
    content: Path | None = None,
    *,
    extra: dict | None = None,
    settings: Path = PROJECT / "pelicanconf.py",
    env: dict | None = None,
    cwd: Path | None = None,
    timeout: float = 600,
    preexec_fn: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess:
    """Run `pelican` in a fresh process, as `make html` does, and return what it did."""
    command = [
        sys.executable,
        "-m",
        "pelican",
        str(content or PROJECT / "content"),
        "-o",
        str(output),
        "-s",
        str(settings),
    ]
    if extra:  # one -e for all: pelican keeps only the last of several -e flags
        command += ["-e", *(f"{key}={json.dumps(value)}" for key, value in extra.items())]
    process_env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200", **(env or {})}
    return subprocess.run(
        command,
        cwd=cwd or PROJECT,
        env=process_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=preexec_fn,  # e.g. limits for the build process (fault tests)
    )


def log_of(result: subprocess.CompletedProcess) -> str:
    return result.stdout + result.stderr


def write_site(root: Path, posts: dict[str, str]) -> Path:
    """Write posts (relative path -> dedented Markdown) under `root/content` and return it."""
    content = root / "content"
    for relative, text in posts.items():
        path = content / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return content


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    mime_overrides: dict[str, str] = {}

    def guess_type(self, path: str) -> str:  # type: ignore[override]
        suffix = Path(str(path)).suffix
        if suffix in self.mime_overrides:
            return self.mime_overrides[suffix]
        return MIME_TYPES.get(suffix) or super().guess_type(path)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (stdlib's name)
        pass


@contextlib.contextmanager
def serve(directory: Path, mime_overrides: dict[str, str] | None = None) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 at a free port; yield its base URL (ending in /)."""
    handler = type("Handler", (_QuietHandler,), {"mime_overrides": dict(mime_overrides or {})})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(directory))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
