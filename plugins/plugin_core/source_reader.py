"""A Markdown reader that tells block directives which file they are in, and reports what it cannot read."""

from __future__ import annotations

from pelican.readers import MarkdownReader

from . import source_errors
from .directives import current_source
from .problems import display_path


class SourceAwareMarkdownReader(MarkdownReader):
    def read(self, source_path: str):  # type: ignore[override]
        token = current_source.set(display_path(source_path))
        try:
            return super().read(source_path)
        except Exception as error:
            # Pelican skips the file with one log line and exits 0: make it a content error.
            source_errors.unreadable(source_path, error)
            raise
        finally:
            current_source.reset(token)

    def process_metadata(self, name: str, value: str):  # type: ignore[override]
        """Pelican's conversion, with the field's name kept for the error."""
        try:
            return super().process_metadata(name, value)
        except ValueError as error:
            raise source_errors.MetadataValueError(name, value, str(error)) from error
