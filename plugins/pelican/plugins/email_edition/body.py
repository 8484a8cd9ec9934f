"""An issue's HTML, made fit for an inbox: the body that both email parts are made from.

What changes from the page, and why:

* every link and image is absolute (mail has no base URL);
* scripts, forms and the widgets' live controls go (mail runs no scripts); a
  widget keeps its build-time result, drawn with tables, and a "Try it live"
  link to the page;
* SVG figures become the PNG copies beside them (most clients show no SVG);
* `<details>` blocks are opened (many clients do not support them), except a
  demo's source, which becomes a link to the page;
* `data-*` attributes and inline CSS variables go.

No Pelican import here. Elements are found with find_all, not CSS selectors:
select() would import and compile soupsieve, a tenth of a second per build.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from plugin_core.feed_html import clean_feed_html, without_live_parts

from .figures import make_png
from .site_files import local_file
from .soup import BeautifulSoup, Tag, parse

MAX_IMAGE_WIDTH = 560  # CSS pixels: the 600 px column less its padding
REMOVED_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "link", "meta",
                "button", "input", "select", "textarea", "output", "progress", "label", "form")
CSS_VARIABLE = re.compile(r"--[\w-]+\s*:[^;]*;?")


class Image(NamedTuple):
    """An image the email shows, loaded from the site when the reader displays images."""

    url: str
    bytes: int | None  # None: not on this site, size unknown


def email_body(html: str, page_url: str, site_url: str, output_dir: Path,
               figure_scale: float = 2.0) -> tuple[BeautifulSoup, list[Image]]:
    """The body of the email for an issue's `html` (Pelican's content with SITEURL links)."""
    html = clean_feed_html(without_live_parts(html, page_url), page_url)
    soup = parse(html)
    for tag in soup.find_all(REMOVED_TAGS):
        tag.decompose()
    _link_demo_sources(soup, page_url)
    _open_details(soup)
    _widgets(soup)
    images = [_image(img, site_url, output_dir, figure_scale) for img in soup.find_all("img")]
    for tag in soup.find_all(True):
        for name in [name for name in tag.attrs if name.startswith("data-") or name == "hidden"]:
            del tag[name]
        if tag.get("style"):
            style = CSS_VARIABLE.sub("", tag["style"]).strip()
            if style:
                tag["style"] = style
            else:
                del tag["style"]
    return soup, images


def _image(img: Tag, site_url: str, output_dir: Path, scale: float) -> Image:
    for name in ("loading", "decoding", "srcset", "sizes"):
        img.attrs.pop(name, None)
    src = str(img.get("src", ""))
    path = local_file(src, site_url, output_dir)
    if path is not None and path.suffix.lower() == ".svg":
        path = make_png(path, scale)
        src = src[: -len(".svg")] + ".png"
        img["src"] = src
    _fit_width(img)
    return Image(src, path.stat().st_size if path is not None else None)


def _fit_width(img: Tag) -> None:
    try:
        width, height = int(img.get("width", 0)), int(img.get("height", 0))
    except ValueError:
        width = height = 0
    if width > MAX_IMAGE_WIDTH:
        if height:
            img["height"] = str(round(height * MAX_IMAGE_WIDTH / width))
        img["width"] = str(MAX_IMAGE_WIDTH)


def _link_demo_sources(soup: BeautifulSoup, page_url: str) -> None:
    for details in soup.find_all("details", class_="demo-source"):
        code = details.summary.code.get_text() if details.summary and details.summary.code else "the demo"
        link = soup.new_tag("p", attrs={"class": "demo-source-link"})
        anchor = soup.new_tag("a", href=page_url)
        anchor.string = f"Read the source of {code} on the site"
        link.append(anchor)
        details.replace_with(link)


def _open_details(soup: BeautifulSoup) -> None:
    for details in soup.find_all("details"):
        details.name = "div"
        details["class"] = [*details.get("class", []), "details"]
        details.attrs.pop("open", None)
        summary = details.find("summary")
        if summary is not None:
            summary.name = "p"
            summary["class"] = ["summary"]


def _widgets(soup: BeautifulSoup) -> None:
    """A widget's sample drawing and probability bars, as tables every client can draw."""
    for grid in soup.find_all(class_="pw-sample-grid"):
        cells = grid.find_all("span", recursive=False)
        columns = _columns(grid, len(cells))
        table = soup.new_tag("table", attrs={"class": "pw-grid-mail", "role": "img",
                                             "aria-label": grid.get("aria-label", "Sample input"),
                                             "cellpadding": "0", "cellspacing": "0"})
        for start in range(0, len(cells), columns):
            row = soup.new_tag("tr")
            for cell in cells[start : start + columns]:
                on = "on" in cell.get("class", [])
                row.append(soup.new_tag("td", attrs={"class": "on" if on else "off", "width": "12",
                                                     "height": "12",
                                                     "bgcolor": "#1d3b24" if on else "#e8ece6"}))
            table.append(row)
        grid.replace_with(table)
    for probabilities in soup.find_all("ul", class_="pw-probs"):
        table = soup.new_tag("table", attrs={"class": "pw-probs-mail", "role": "presentation",
                                             "cellpadding": "0", "cellspacing": "0"})
        for item in probabilities.find_all("li", recursive=False):
            label = item.find(class_="pw-label")
            percent = item.find(class_="pw-pct")
            text = percent.get_text(strip=True) if percent else "0%"
            width = max(0, min(100, int(text.rstrip("%") or 0)))
            row = soup.new_tag("tr")
            name = soup.new_tag("td", attrs={"class": "pw-label"})
            name.string = label.get_text(strip=True) if label else ""
            bar_cell = soup.new_tag("td", attrs={"class": "pw-bar"})
            if width:
                bar_cell.append(soup.new_tag("div", attrs={"class": "pw-fill", "style": f"width:{width}%"}))
            value = soup.new_tag("td", attrs={"class": "pw-pct"})
            value.string = text
            row.extend([name, bar_cell, value])
            table.append(row)
        probabilities.replace_with(table)


def _columns(grid: Tag, count: int) -> int:
    match = re.search(r"--cols\s*:\s*(\d+)", str(grid.get("style", "")))
    columns = int(match.group(1)) if match else round(count**0.5) or 1
    return max(1, columns)
