"""A Markdown reader that tells block directives which file they are in."""

from __future__ import annotations

import os
from pathlib import Path

from pelican.readers import MarkdownReader

from .directives import current_source


def display_path(source_path: str) -> str:
    """The path as an author sees it: relative to the working directory when inside it."""
    try:
        return os.path.relpath(source_path) if Path(source_path).is_relative_to(Path.cwd()) else source_path
    except ValueError:
        return source_path


class SourceAwareMarkdownReader(MarkdownReader):
    def read(self, source_path: str):  # type: ignore[override]
        token = current_source.set(display_path(source_path))
        try:
            return super().read(source_path)
        finally:
            current_source.reset(token)
