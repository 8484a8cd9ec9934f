"""Pelican's writer, except that a page already finished as it would be again is left alone.

Pelican writes every page on every build, and the footprint then reads, stamps
and replaces each one: with 1,000 issues that is 1,500 pages written twice. This
writer keeps what Pelican renders for an HTML page in memory until the page is
closed. When it has the digest of the page Pelican rendered last build, and the
file is still the one the footprint finished then (same size and modification
time), the file on disk already holds the final bytes and is not written.

Whether the page's final bytes depend on anything else that changed (its assets,
the settings, the widget's cost) is checked at the end of the build, in
`after_build`; if so, the page's rendering is restored from the finished file.
"""

from __future__ import annotations

import io
import logging
import os
from typing import Any

from pelican.writers import FileOverwriteFailedError, Writer
from plugin_core.build import BUILD_KEY

from .after_build import BuildState
from .page_memory import digest

logger = logging.getLogger(__name__)


class FinishedPagesWriter(Writer):
    """A Writer that does not rewrite an HTML page rendered exactly as last build."""

    def __init__(self, output_path: str, settings: dict[str, Any] | None = None) -> None:
        super().__init__(output_path, settings=settings)
        build = (settings or {}).get(BUILD_KEY)
        self._state = build.find(BuildState) if build is not None else None

    def _open_w(self, filename: str, encoding: str, override: bool = False) -> Any:
        state = self._state
        if state is None or not filename.endswith(".html"):
            return super()._open_w(filename, encoding, override)
        # Pelican's own bookkeeping (writers.Writer._open_w, Pelican 4.12), without opening.
        if filename in self._overridden_files:
            if override:
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{filename}" a second time (was previously overwritten)'
                )
            logger.info('Skipping "%s", not overwriting', filename)
            return open(os.devnull, "w", encoding=encoding)
        if filename in self._written_files:
            if override:
                logger.info('Overwriting "%s"', filename)
            else:
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{filename}" as Pelican has already '
                    "written to it previously (set `override=True` if intended)"
                )
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        return RenderedPage(filename, encoding, state)


class RenderedPage(io.StringIO):
    """The text Pelican renders for one page; on close, written unless already finished."""

    def __init__(self, filename: str, encoding: str, state: BuildState) -> None:
        super().__init__()
        self.filename, self.target_encoding, self.state = filename, encoding, state

    def close(self) -> None:
        if self.closed:
            return
        data = self.getvalue().encode(self.target_encoding)
        super().close()
        state, relative = self.state, self.state.relative(self.filename)
        key = digest(data)
        if relative is not None:
            state.rendered[relative] = key
            if state.memory.is_finished(relative, key, self.filename):
                state.untouched.add(relative)
                return
            state.untouched.discard(relative)
        with open(self.filename, "wb") as file:
            file.write(data)
