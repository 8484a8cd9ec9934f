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
import time
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


class PrecompressedHost(http.server.SimpleHTTPRequestHandler):
    """Serves `.br` twins as a real host does, counts the body bytes it sends, and can be slow.

    Versioned files (`pyodide/`, `widgets/`) are cached for a year. `throttle`
    = (bytes per second, seconds of latency per request) shapes every response,
    with one bandwidth shared by all connections, like one link.
    """

    sent: list[tuple[str, int]]  # (path, body bytes), per server
    throttle: tuple[float, float] | None = None
    link: dict  # {"lock": threading.Lock, "free_at": float}

    def guess_type(self, path: str) -> str:  # type: ignore[override]
        return MIME_TYPES.get(Path(str(path)).suffix) or super().guess_type(path)

    def send_head(self):  # noqa: ANN201 (http.server's protocol)
        if self.throttle:
            time.sleep(self.throttle[1])
        path = Path(self.translate_path(self.path))
        twin = path.with_name(path.name + ".br")
        if path.is_file() and twin.is_file() and "br" in self.headers.get("Accept-Encoding", ""):
            handle = twin.open("rb")
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "br")
            self.send_header("Content-Length", str(twin.stat().st_size))
            self.end_headers()
            return handle
        return super().send_head()

    def end_headers(self) -> None:
        versioned = self.path.startswith("/pyodide/") or "/widgets/" in self.path
        self.send_header("Cache-Control", "public, max-age=31536000, immutable" if versioned else "no-cache")
        super().end_headers()

    def copyfile(self, source, outputfile) -> None:  # type: ignore[override]
        total = 0
        while chunk := source.read(16 * 1024):
            if self.throttle:
                with self.link["lock"]:
                    start = max(time.monotonic(), self.link["free_at"])
                    self.link["free_at"] = start + len(chunk) / self.throttle[0]
                time.sleep(max(0.0, self.link["free_at"] - time.monotonic()))
            outputfile.write(chunk)
            total += len(chunk)
        self.sent.append((self.path, total))

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


@contextlib.contextmanager
def serve_precompressed(directory: Path, throttle: tuple[float, float] | None = None):
    """Serve `directory` as `PrecompressedHost`; yield (base URL, the list of (path, bytes) sent)."""
    sent: list[tuple[str, int]] = []
    link = {"lock": threading.Lock(), "free_at": 0.0}
    handler = type("Host", (PrecompressedHost,), {"sent": sent, "throttle": throttle, "link": link})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(directory))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", sent
    finally:
        server.shutdown()
        server.server_close()
