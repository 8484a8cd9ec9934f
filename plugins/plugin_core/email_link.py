"""What the email edition hands to the footprint plugin, and what it needs from it.

The footprint plugin publishes a `TransferModel` when a run starts: how it
prices a transfer of bytes (SWD v4, its grid intensity and green-hosting
share) and where its page is, so an email's footer states its cost with the
same model as the pages. The email edition publishes `EmailEditions` in its
finish step, before the footprint's, which lists them on the Footprint page.
"""

from __future__ import annotations

from typing import NamedTuple

from . import swd


class TransferModel(NamedTuple):
    """How the site prices one transfer of bytes (published by footprint)."""

    grid_intensity: float  # g CO2e/kWh
    green_hosting_factor: float  # share of the data centre's energy that is green, 0 to 1
    page_url: str  # the Footprint page, relative to SITEURL

    def co2e_grams(self, transferred_bytes: int) -> float:
        return swd.estimate(transferred_bytes, self.grid_intensity, self.green_hosting_factor).co2e_grams


class EmailEdition(NamedTuple):
    """One issue's email as built: one copy, before the headers that name its recipient."""

    page_title: str  # plain text
    page_url: str  # the page, relative to SITEURL
    message_bytes: int  # the .eml as sent over SMTP
    html_bytes: int
    text_bytes: int
    image_bytes: int  # figures loaded from the site when the reader shows images
    co2e_grams: float  # one copy, message and figures
    message_co2e_grams: float  # one copy, the message alone


class EmailEditions(NamedTuple):
    """Every published issue's email in this build (published by email_edition)."""

    rows: tuple[EmailEdition, ...] = ()
