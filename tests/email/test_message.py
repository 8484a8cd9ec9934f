"""Every built .eml, parsed back with Python's `email` package."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from plugin_core.swd import estimate
from plugin_core.units import format_bytes, format_grams

from tests.email.conftest import SITEURL, read_eml

ISSUES = ["computing-together", "inference-adds-up", "permacomputing", "reading-the-label",
          "small-models", "what-training-costs"]
BUDGET = 102_000


def parts(message):
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    return text, html


def content(part) -> str:
    """A part's decoded text, with the CRLF line ends of the wire made plain."""
    return part.get_content().replace("\r\n", "\n")


def test_every_issue_has_an_email(email_build):
    assert sorted(path.stem for path in (email_build / "email").glob("*.eml")) == ISSUES


@pytest.mark.parametrize("slug", ISSUES)
def test_structure_headers_and_charsets(email_build, slug):
    message = read_eml(email_build / "email" / f"{slug}.eml")
    assert message.get_content_type() == "multipart/alternative"
    types = [part.get_content_type() for part in message.iter_parts()]
    assert types == ["text/plain", "text/html"]  # the last part is the preferred one
    for part in message.iter_parts():
        assert part.get_content_charset() == "utf-8"
        assert part["Content-Transfer-Encoding"] == "quoted-printable"
    assert message["MIME-Version"] == "1.0"
    assert message["From"].addresses[0].addr_spec == "letter@lowcarbon-letter.example.org"
    assert re.fullmatch(r"Issue \d: .+", str(message["Subject"]))
    assert message["Date"].datetime.tzinfo is not None
    assert message["Archived-At"] == f"<{SITEURL}/issues/{slug}/>"
    unsubscribe = "<mailto:unsubscribe@lowcarbon-letter.example.org?subject=unsubscribe>"
    assert unsubscribe in message["List-Unsubscribe"]
    assert message["List-Id"].endswith("<low-carbon-computing-letter.letter.example.org>")
    # CRLF line ends throughout, as SMTP carries it.
    data = (email_build / "email" / f"{slug}.eml").read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"")


@pytest.mark.parametrize("slug", ISSUES)
def test_html_part_is_inline_styled_absolute_and_within_budget(email_build, slug):
    message = read_eml(email_build / "email" / f"{slug}.eml")
    _text, html_part = parts(message)
    html = content(html_part)
    assert len(html_part.as_bytes()) <= BUDGET
    soup = BeautifulSoup(html, "html.parser")
    # Styles are inline: no stylesheet, no classes left, every heading, paragraph and link styled.
    assert not soup.find_all(["style", "link", "script", "noscript", "button", "input", "form"])
    assert not soup.find_all(class_=True)
    for tag in soup.find_all(["h1", "h2", "p", "a", "pre"]):
        assert tag.get("style"), tag
    for tag in soup.find_all(style=True):
        assert tag["style"].count("'") % 2 == 0 and '"' not in tag["style"], tag["style"]
        assert "var(" not in tag["style"] and "--" not in tag["style"]
    assert "@font-face" not in html and "fonts.googleapis" not in html.lower()
    assert not any(name.startswith("data-") for tag in soup.find_all(True) for name in tag.attrs)
    # No URL is relative: links go to the published site (or elsewhere), images come from the site.
    urls = [tag["href"] for tag in soup.find_all(href=True)] + [tag["src"] for tag in soup.find_all(src=True)]
    assert urls
    for url in urls:
        parts_ = urlsplit(url)
        assert parts_.scheme in ("https", "mailto"), url
        if parts_.scheme == "https" and "example.org" in parts_.netloc:
            assert url.startswith(SITEURL + "/"), url


@pytest.mark.parametrize("slug", ISSUES)
def test_figures_are_png_copies_hosted_on_the_site(email_build, slug):
    message = read_eml(email_build / "email" / f"{slug}.eml")
    soup = BeautifulSoup(content(parts(message)[1]), "html.parser")
    for img in soup.find_all("img"):
        assert img["src"].endswith(".png") and img.get("alt")
        path = email_build / img["src"].removeprefix(SITEURL + "/")
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert path.with_suffix(".svg").is_file()  # made next to the SVG the page shows
        assert int(img["width"]) <= 560


@pytest.mark.parametrize("slug", ISSUES)
def test_plain_text_is_written_for_reading(email_build, slug):
    message = read_eml(email_build / "email" / f"{slug}.eml")
    text = content(parts(message)[0])
    assert not re.search(r"<(p|a|div|span|h\d|li|img)\b", text)  # not HTML with tags left in
    assert "&amp;" not in text and "&lt;" not in text
    title = str(message["Subject"]).split(": ", 1)[1]
    assert f"{title}\n{'=' * min(len(title), 72)}\n" in text
    assert re.search(r"\n[^\n]+\n-{3,}\n", text)  # underlined section headings
    references = dict(re.findall(r"^\[(\d+)\] (\S+)$", text, flags=re.M))
    used = set(re.findall(r"\[(\d+)\]", text.split("\nLinks\n-----\n")[0]))
    assert used == set(references), "every reference is listed, every listed one is used"
    for url in references.values():
        assert url.startswith(("https://", "mailto:")), url
    long_lines = [line for line in text.splitlines() if len(line) > 78 and not line.startswith("    ")
                  and not line.startswith("[")]
    assert not long_lines
    assert "What this issue cost" in text


def test_plain_text_links_demo_output_and_energy_sentences(email_build):
    text = content(parts(read_eml(email_build / "email" / "small-models.eml"))[0])
    number = re.search(r"Hoffmann et al\. 2022 \[(\d+)\]", text).group(1)
    assert f"\n[{number}] https://arxiv.org/abs/2203.15556\n" in text
    # Demo output keeps its columns, indented as a block.
    assert "\n    components parameters accuracy\n             1        148    0.370\n" in text
    assert re.search(
        r"Running this demo used an estimated [\d.]+ J "
        r"\([\d.]+ Wh; range [\d.,]+ to [\d.,]+ J\)\s+of\s+electricity",
        text,
    )
    # Widgets: the build-time result drawn in characters, and a numbered "Try it live" link.
    assert "The sample input: a held-out test example labelled 2." in text
    assert re.search(r"\n    [·░▒▓█]{16}\n", text)  # the drawing as a text picture, 8 cells of 2
    live = re.search(r"Try it live: run this model on your own device \[(\d+)\]", text).group(1)
    assert f"\n[{live}] {SITEURL}/issues/small-models/#widget-digits-1\n" in text


def test_widgets_are_their_static_result_with_a_live_link(email_build):
    soup = BeautifulSoup(content(parts(read_eml(email_build / "email" / "small-models.eml"))[1]),
                         "html.parser")
    links = [a["href"] for a in soup.find_all("a") if a.get_text().startswith("Try it live")]
    assert links == [f"{SITEURL}/issues/small-models/#widget-digits-1",
                     f"{SITEURL}/issues/small-models/#widget-digits-2",
                     f"{SITEURL}/issues/small-models/#widget-iris-1"]
    assert "The model guesses 2" in soup.get_text()
    picture = soup.find("pre", attrs={"aria-label": re.compile("Sample drawing")})
    assert len(picture.get_text().split()) == 8  # the 8 by 8 drawing, one line a row


@pytest.mark.parametrize("slug", ISSUES)
def test_footer_states_the_emails_own_footprint(email_build, slug):
    path = email_build / "email" / f"{slug}.eml"
    message = read_eml(path)
    size = len(path.read_bytes())
    report = json.loads((email_build / "footprint.json").read_text())
    row = next(row for row in report["emails"] if row["page_url"] == f"issues/{slug}/")
    assert row["message_bytes"] == size
    grams = estimate(size + row["image_bytes"], report["model"]["grid_intensity_g_per_kwh"]).co2e_grams
    assert row["co2e_grams_per_copy"] == pytest.approx(grams)
    sentence = " ".join(f"This email is {format_bytes(size)}".split())  # split() takes the nbsp too
    cost = " ".join(f"about {format_grams(grams)} CO\u2082e".split())
    text, html = parts(message)
    for shown in (content(text), BeautifulSoup(content(html), "html.parser").get_text()):
        flat = " ".join(shown.split())
        assert sentence in flat and cost in flat
    page = (email_build / "footprint" / "index.html").read_text()
    assert 'id="email"' in page and format_bytes(size) in page
