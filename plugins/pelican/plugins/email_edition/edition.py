"""One issue's email, built until the size its footer states is its real size.

The footer says how many bytes the message is, and that sentence is part of
the message: render, measure, render again with the measured figures, until
the figures shown are those of the message as written (to the 0.1 kB and
three significant figures shown). When two roundings chase each other, a
comment that grows by one space at a time breaks the cycle, as the
footprint plugin does for pages. No Pelican import here.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import NamedTuple

from plugin_core.email_link import TransferModel

from .body import Image, email_body
from .footprint import EmailFootprint, describe, measure
from .issue import Issue
from .layout import Links, body_text, render_html, render_text
from .message import compose, part_sizes, to_bytes
from .settings import EmailSettings

logger = logging.getLogger(__name__)

MAX_ROUNDS = 8
MAX_PADDING = 400


class Edition(NamedTuple):
    """An issue's email, ready to write, and what it costs."""

    slug: str
    data: bytes  # the .eml
    footprint: EmailFootprint
    images: tuple[Image, ...]
    sentence: str  # the footer's sentence, which states `footprint`


def build_edition(issue: Issue, settings: EmailSettings, links: Links, output_dir: Path,
                  model: TransferModel, first_guess: str | None = None) -> Edition:
    """The email of `issue`, its footer stating its own footprint.

    `first_guess` is the sentence to try first: the one the issue's email stated last
    build settles an edited issue in one round, where a guess of nothing takes two.
    """
    body, images = email_body(issue.html, issue.url, settings.site_url, output_dir, settings.figure_scale)
    body_html = str(body)  # the same in every round
    text = body_text(body)  # takes nested lists out of `body`: after str(body)
    # The tree's parent links are cycles: free it now, not at the next full collection.
    body.decompose()

    def attempt(sentence: str, padding: int = 0) -> tuple[bytes, EmailFootprint]:
        html = render_html(issue, body_html, sentence, settings, links, padding)
        text_part = render_text(issue, text, sentence, settings, links)
        message = compose(issue, text_part, html, settings)
        data = to_bytes(message)
        text_bytes, html_bytes = part_sizes(message)
        return data, measure(len(data), html_bytes, text_bytes, images, model)

    sentence = first_guess or describe(measure(0, 0, 0, images, model))
    seen: set[str] = set()
    for _ in range(MAX_ROUNDS):
        data, footprint = attempt(sentence)
        measured = describe(footprint)
        if measured == sentence:
            return Edition(issue.slug, data, footprint, tuple(images), sentence)
        seen.add(sentence)
        if measured in seen:
            break
        sentence = measured
    # The two sentences of the cycle: padding raises the size until one describes itself.
    for candidate in (sentence, measured):
        for padding in range(1, MAX_PADDING + 1):
            data, footprint = attempt(candidate, padding)
            if describe(footprint) == candidate:
                return Edition(issue.slug, data, footprint, tuple(images), candidate)
    logger.warning("email_edition: the footer of %s did not settle; its size may be one "
                   "rounding step off", issue.slug)
    return Edition(issue.slug, data, footprint, tuple(images), describe(footprint))
