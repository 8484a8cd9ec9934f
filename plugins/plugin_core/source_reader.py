"""A Markdown reader that tells block directives which file they are in."""

from __future__ import annotations

import os

from pelican.readers import MarkdownReader

from .directives import current_source


def display_path(source_path: str) -> str:
    """The path as an author sees it: relative to the working directory when inside it."""
    if not os.path.isabs(source_path):
        return source_path
    cwd = os.getcwd()  # string tests only: this runs for every post of every build
    if source_path == cwd or source_path.startswith(cwd.rstrip(os.sep) + os.sep):
        return os.path.relpath(source_path, cwd)
    return source_path


class SourceAwareMarkdownReader(MarkdownReader):
    def read(self, source_path: str):  # type: ignore[override]
        token = current_source.set(display_path(source_path))
        try:
            return super().read(source_path)
        finally:
            current_source.reset(token)
