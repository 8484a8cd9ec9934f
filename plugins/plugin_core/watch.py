"""Files a build read from outside content/ and theme/: `make devserver` watches them too.

Pelican's autoreload watches the content folder, the theme and the settings
file. A build here also reads demo scripts, their declared data files and the
widgets' Python code; the plugins name them with `watch(build, path, ...)`
while they work, and `plugin_core.autoreload` waits on them after each run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .build import Build

# The core drops the Build when a run ends; the list outlives it in Pelican's settings
# (like the Build itself during a run) until the next run names its own.
WATCHED_KEY = "PLUGIN_CORE_WATCHED"


@dataclass
class Watched:
    """Every file or folder this build read that Pelican itself does not watch."""

    paths: set[Path] = field(default_factory=set)


def watch(build: Build, *paths: Path | str) -> None:
    """Add `paths` (files or folders) to what the next autoreload waits on."""
    watched = build.find(Watched)
    if watched is None:
        watched = Watched()
        build.publish(watched)
        build.settings[WATCHED_KEY] = watched  # type: ignore[index]  (Pelican's settings dict)
    watched.paths.update(Path(path).resolve() for path in paths)


def watched_paths(settings: Mapping[str, Any]) -> list[Path]:
    """The existing paths named during the last run, sorted."""
    watched = settings.get(WATCHED_KEY)
    return sorted(path for path in (watched.paths if watched else ()) if path.exists())
