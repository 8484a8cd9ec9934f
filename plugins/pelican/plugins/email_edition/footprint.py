"""What one copy of an email costs: its bytes, the images it loads, CO2e under SWD v4.

The same model and grid intensity as the site's pages (plugin_core.swd, the
port of CO2.js, priced by the footprint plugin's TransferModel), so an email
and a page compare. An
email's bytes travel from the sender's server through the network to the
reader's device, the same three segments the model counts for a page; the
figures are an estimate and are worded as one. No Pelican import here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from plugin_core.email_link import TransferModel
from plugin_core.swd import MODEL_NAME
from plugin_core.units import format_bytes, format_grams

from .body import Image


class EmailFootprint(NamedTuple):
    """One copy of an issue's email, as built (before per-recipient headers)."""

    message_bytes: int  # the whole .eml as sent over SMTP (CRLF, quoted-printable)
    html_bytes: int  # the HTML part as sent
    text_bytes: int  # the plain-text part as sent
    image_bytes: int  # images on the site the HTML part shows (fetched if the reader shows images)
    images: int
    unknown_images: int  # images from elsewhere: not counted
    co2e_grams: float  # message and images, per copy
    message_co2e_grams: float  # the message alone (images off)

    @property
    def transfer_bytes(self) -> int:
        return self.message_bytes + self.image_bytes


def measure(message_bytes: int, html_bytes: int, text_bytes: int, images: Iterable[Image],
            model: TransferModel) -> EmailFootprint:
    """The footprint of a message of `message_bytes` that shows `images`."""
    images = list(images)
    known = {image.url: image.bytes for image in images if image.bytes is not None}
    image_bytes = sum(known.values())  # each image is fetched once, however often it is shown
    return EmailFootprint(
        message_bytes=message_bytes,
        html_bytes=html_bytes,
        text_bytes=text_bytes,
        image_bytes=image_bytes,
        images=len(known),
        unknown_images=len({image.url for image in images if image.bytes is None}),
        co2e_grams=model.co2e_grams(message_bytes + image_bytes),
        message_co2e_grams=model.co2e_grams(message_bytes),
    )


def describe(footprint: EmailFootprint) -> str:
    """The footer's sentence; plain text (the HTML part escapes it)."""
    text = f"This email is {format_bytes(footprint.message_bytes)}"
    if footprint.images:
        figures = "its figure adds" if footprint.images == 1 else f"its {footprint.images} figures add"
        text += (f"; {figures} {format_bytes(footprint.image_bytes)} if your mail client shows images, "
                 "loaded from the site")
    text += (f". Delivering one copy causes about {format_grams(footprint.co2e_grams)} CO\u2082e"
             f"{' with the figures' if footprint.images else ''}: an estimate with the "
             f"{MODEL_NAME}, the model this site uses for its pages.")
    return text
