"""Signal wiring for the newsletter plugin."""

from __future__ import annotations

from pelican import signals
from plugin_core import build
from plugin_core.feed_html import clean_feed_html

from .feeds import clean_feed
from .numbering import link_neighbours, number_issues
from .titles import escape_title


def number_articles(generator) -> None:
    number_issues(generator.articles)
    link_neighbours(generator.articles)


def clean_feed_items(context, feed) -> None:
    clean_feed(feed)


def forget_cleaned_items(generator, writer) -> None:
    """The feeds are written: the cleaned HTML kept for the next feed is not needed."""
    clean_feed_html.cache_clear()


def register() -> None:
    build.register()
    signals.article_generator_pretaxonomy.connect(number_articles)
    signals.feed_generated.connect(clean_feed_items)
    signals.article_writer_finalized.connect(forget_cleaned_items)
    signals.content_object_init.connect(escape_title)
