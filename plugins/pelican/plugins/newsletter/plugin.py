"""Signal wiring for the newsletter plugin."""

from __future__ import annotations

from pelican import signals
from plugin_core import build

from .feeds import clean_feed
from .numbering import link_neighbours, number_issues
from .titles import escape_title


def number_articles(generator) -> None:
    number_issues(generator.articles)
    link_neighbours(generator.articles)


def clean_feed_items(context, feed) -> None:
    clean_feed(feed)


def register() -> None:
    build.register()
    signals.article_generator_pretaxonomy.connect(number_articles)
    signals.feed_generated.connect(clean_feed_items)
    signals.content_object_init.connect(escape_title)
