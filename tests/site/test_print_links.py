"""Printed issues spell out where relative links go; absolute links and other attributes are left alone."""

from __future__ import annotations

from pelican.plugins.reader_site.print_links import print_hrefs

PAGE = "https://example.org/issues/a/"


def test_relative_links_get_their_absolute_address():
    html = '<a href="../b/">b</a> <a class="tag" href="/tag/x/">x</a> <a href="c?d=1&amp;e=2">c</a>'
    assert print_hrefs(html, PAGE) == (
        '<a href="../b/" data-print-href="https://example.org/issues/b/">b</a> '
        '<a class="tag" href="/tag/x/" data-print-href="https://example.org/tag/x/">x</a> '
        '<a href="c?d=1&amp;e=2" data-print-href="https://example.org/issues/a/c?d=1&amp;e=2">c</a>'
    )


def test_absolute_links_fragments_and_look_alike_attributes_are_left_alone():
    html = ('<a href="https://x.org/">a</a> <a href="#top">t</a> <a href="mailto:me@x.org">m</a> '
            '<a href="&#104;ttps://z.org/">z</a> <a href="https://x.org/" data-href="y/">d</a>')
    assert print_hrefs(html, PAGE) == html


def test_a_link_marked_once_is_not_marked_again():
    once = print_hrefs('<a href="../b/">b</a>', PAGE)
    assert print_hrefs(once, PAGE) == once


def test_without_an_absolute_page_address_nothing_changes():
    assert print_hrefs('<a href="../b/">b</a>', "issues/a/") == '<a href="../b/">b</a>'
