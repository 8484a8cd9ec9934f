"""Signal wiring for the newsletter plugin."""

from __future__ import annotations

from pelican import signals

from . import problems
from .feeds import clean_feed
from .numbering import link_neighbours, number_issues
from .reader import SourceAwareMarkdownReader


def use_source_aware_reader(readers) -> None:
    for extension in SourceAwareMarkdownReader.file_extensions:
        readers.reader_classes[extension] = SourceAwareMarkdownReader


def start_build(pelican) -> None:
    problems.clear()


def number_articles(generator) -> None:
    number_issues(generator.articles)
    link_neighbours(generator.articles)


def clean_feed_items(context, feed) -> None:
    clean_feed(feed)


def finish_build(pelican) -> None:
    problems.raise_if_any(pelican.settings.get("NEWSLETTER_ON_ERROR", "fail"))


def register() -> None:
    signals.initialized.connect(start_build)
    signals.readers_init.connect(use_source_aware_reader)
    signals.article_generator_pretaxonomy.connect(number_articles)
    signals.feed_generated.connect(clean_feed_items)
    signals.finalized.connect(finish_build)
