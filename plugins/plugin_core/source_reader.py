"""A Markdown reader that tells block directives which file they are in, reports what it
cannot read, and converts only the posts that changed since the last build (read_cache)."""

from __future__ import annotations

import contextlib
from typing import Any

from markdown import Markdown
from pelican.readers import MarkdownReader
from pelican.utils import pelican_open

from . import problems, read_cache, source_errors
from .directives import current_source
from .problems import display_path


class SourceAwareMarkdownReader(MarkdownReader):
    def read(self, source_path: str):  # type: ignore[override]
        token = current_source.set(display_path(source_path))
        try:
            cache = read_cache.in_use()
            return self._read_through(cache, source_path) if cache else super().read(source_path)
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

    def _read_through(self, cache: read_cache.ReadCache, source_path: str) -> tuple[str, dict[str, Any]]:
        """MarkdownReader.read, with the conversion taken from `cache` when the text is unchanged."""
        self._source_path = source_path
        with pelican_open(source_path) as text:
            kept = cache.get(text)
            if kept is not None:
                self._md = _Converted(kept.formatted)
                with contextlib.suppress(_Converted.NotKeptError):  # then it is converted below
                    return kept.content, self._parse_metadata(kept.meta) if kept.meta is not None else {}
            before = len(problems.reported())
            with read_cache.noting_found_files() as found:
                self._md = Markdown(**self.settings["MARKDOWN"])
                content = self._md.convert(text)
                meta = getattr(self._md, "Meta", None)
                formatted: dict[str, str] = {}
                convert = self._md.convert

                def converting(value: str) -> str:  # _parse_metadata converts the formatted fields
                    formatted[value] = convert(value)
                    return formatted[value]

                self._md.convert = converting
                metadata = self._parse_metadata(meta) if meta is not None else {}
            if len(problems.reported()) == before:  # a mistake is reported again on every build
                cache.put(text, read_cache.Kept(content, meta, formatted), found)
            return content, metadata


class _Converted:
    """Stands in for Markdown in `_parse_metadata` when the post is unchanged: the
    formatted fields' HTML is what the same text converted to in the last build."""

    class NotKeptError(Exception):
        """A text that was not converted in the last build (the entry is not this post's)."""

    def __init__(self, formatted: dict[str, str]) -> None:
        self.formatted = formatted
        self.preprocessors = self

    def deregister(self, name: str) -> None:  # preprocessors.deregister("meta")
        pass

    def reset(self) -> _Converted:
        return self

    def convert(self, text: str) -> str:
        try:
            return self.formatted[text]
        except (KeyError, TypeError):
            raise self.NotKeptError(text) from None
