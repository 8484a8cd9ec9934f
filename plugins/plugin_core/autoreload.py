"""`make devserver` / `make regenerate`: Pelican's own autoreload that also rebuilds when
a demo script, a demo's declared data file or a widget's code changes.

    python -m plugin_core.autoreload content -o output -s pelicanconf.py -r [-l]

Pelican (4.12) waits with `wait_for_changes(settings_file, settings)` on the
content, the theme and the settings file only. This runs Pelican's own `main`
with that wait extended to the paths the plugins named during the last run
(`plugin_core.watch`); nothing else of Pelican changes.
"""

from __future__ import annotations

import os
import sys

import pelican
import watchfiles
from pelican.utils import FileChangeFilter

from .watch import watched_paths

pelican_wait = pelican.wait_for_changes


def wait_for_changes(settings_file: str, settings) -> set:
    """Like Pelican's, over Pelican's paths plus the files the plugins read."""
    extra = [str(path) for path in watched_paths(settings)]
    if not extra:
        return pelican_wait(settings_file, settings)
    paths = [settings_file, settings.get("THEME", ""), settings.get("PATH", "")]
    paths += [os.path.join(settings.get("PATH", ""), p) for p in settings.get("STATIC_PATHS", [])]
    paths = sorted({os.path.abspath(p) for p in paths if p and os.path.exists(p)} | set(extra))
    only = FileChangeFilter(ignore_file_patterns=set(settings.get("IGNORE_FILES", [])))
    changes = watchfiles.watch(*paths, watch_filter=only, rust_timeout=0)
    return next(changes)


def main(argv: list[str] | None = None) -> None:
    pelican.wait_for_changes = wait_for_changes
    pelican.main(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
