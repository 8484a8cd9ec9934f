"""The email builders' parser reads entities as Beautiful Soup's own html.parser does."""

from __future__ import annotations

from html.entities import html5

import pytest
from bs4 import BeautifulSoup
from pelican.plugins.email_edition.soup import parse

SAMPLES = [
    "<p>Heat &amp; power &nbsp;&copy; 2026 &lt;b&gt; &notanentity; &amp &copy &ampx</p>",
    '<a href="?a=1&b=2&amp;c=3&lang=en">link &#8212; &#x2014; &mdash;</a>',
    "<p>&AMP; &Aacute; &aacute &NotNestedGreaterGreater; &frac12 &frac12; &unknown</p>",
]


@pytest.mark.parametrize("html", SAMPLES)
def test_entities_read_as_beautiful_soup_reads_them(html):
    assert str(parse(html)) == str(BeautifulSoup(html, "html.parser"))


def test_every_named_entity_reads_as_beautiful_soup_reads_it():
    names = sorted({name.removesuffix(";") for name in html5})
    html = "<p>" + " ".join(f"&{name}; &{name} x" for name in names) + "</p>"
    assert str(parse(html)) == str(BeautifulSoup(html, "html.parser"))
