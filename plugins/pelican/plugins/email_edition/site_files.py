"""The output file behind a URL on this site: shared by the email body and its cache.
No Pelican import here, and nothing heavy."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit


def local_file(url: str, site_url: str, output_dir: Path) -> Path | None:
    """The output file behind a URL on this site, if there is one."""
    prefix = site_url.rstrip("/") + "/"
    if not url.startswith(prefix):
        return None
    relative = unquote(urlsplit(url[len(prefix) - 1:]).path).lstrip("/")
    path = (output_dir / relative).resolve()
    if output_dir.resolve() not in path.parents or not path.is_file():
        return None
    return path
