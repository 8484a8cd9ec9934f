"""Budgets checked on the built sample site (the project's own content).

Sizes are what a server sends: gzip -9 (as precompressed at `make publish`);
1 KB = 1,000 bytes, as the SWD model counts. "Third party" means a resource
the browser *loads* from another origin: `src`/`srcset`/`poster`/`data`
attributes, `<link>`s that fetch (stylesheet, icon, preload, modulepreload,
manifest...), CSS `url()` and `@import`, and JavaScript `import`, `import()`,
`fetch()`, `new Worker()`, `importScripts()` with a literal URL. Those must all
be same-origin (relative, or under the site's own SITEURL). A plain
`<a href>` to a cited source is a link the reader may follow, not a load, and
is allowed; so are feed-discovery links (`rel="alternate"`).
"""

from __future__ import annotations

import gzip
import html as html_lib
import json
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

ARTICLE_BUDGET = 20_000
FIGURE_BUDGET = 40_000
LOADER_BUDGET = 6_000  # both runtimes, one result area, the cost line with its ranges (was 5,000 for one)
FONT_SUFFIXES = {".woff", ".woff2", ".ttf", ".otf", ".eot"}
TEXT_SUFFIXES = {".html", ".css", ".js", ".mjs", ".svg", ".xml", ".json"}
# <link rel> values that do not make the browser fetch anything.
NON_LOADING_RELS = {"alternate", "canonical", "author", "license", "me", "next", "prev",
                    "help", "bookmark", "external", "nofollow", "noopener", "noreferrer", "tag",
                    "search"}
TAG = re.compile(r"<([a-zA-Z][\w:-]*)(\s[^<>]*?)?/?>", re.DOTALL)
ATTRIBUTE = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
LOAD_ATTRIBUTES = {"src", "srcset", "poster", "data", "background"}
CSS_LOADS = re.compile(r"""(?:@import\s+(?:url\()?|url\()\s*["']?([^"')\s;]+)""", re.IGNORECASE)
JS_LOADS = re.compile(
    r"""(?:\bimport\s*\(|\bfetch\s*\(|\bimportScripts\s*\(|\bnew\s+(?:Shared)?Worker\s*\(|"""
    r"""\bfrom\s*|\bimport\s+)\s*["'`]([^"'`]+)["'`]"""
)


def gz(data: bytes) -> int:
    return min(len(data), len(gzip.compress(data, compresslevel=9, mtime=0)))


@pytest.fixture(scope="module")
def report(sample_site) -> dict:
    return json.loads((sample_site / "footprint.json").read_text())


def loaded_stylesheets(page: Path) -> list[Path]:
    found = []
    for tag, attributes in tags(page.read_text("utf-8")):
        rels = set(attributes.get("rel", "").lower().split())
        if tag == "link" and "stylesheet" in rels:
            found.append((page.parent / urlsplit(attributes["href"]).path).resolve())
    return found


def tags(text: str):
    for match in TAG.finditer(text):
        attributes = {}
        for name, double, single, bare in ATTRIBUTE.findall(match.group(2) or ""):
            attributes[name.lower()] = html_lib.unescape(double or single or bare)
        yield match.group(1).lower(), attributes


def test_article_pages_without_demos_fit_20_kb(sample_site, report):
    rows = {page["path"]: page for page in report["pages"]}
    checked = 0
    for page in sorted((sample_site / "issues").glob("*/index.html")):
        text = page.read_text("utf-8")
        if 'class="demo' in text or "data-pw-name" in text:
            continue
        css = loaded_stylesheets(page)
        assert css and all(path.is_file() for path in css), page
        total = gz(page.read_bytes()) + sum(gz(path.read_bytes()) for path in css)
        assert total <= ARTICLE_BUDGET, f"{page}: {total} bytes compressed (budget {ARTICLE_BUDGET})"
        row = rows[page.relative_to(sample_site).as_posix()]
        assert row["html_bytes"] + row["css_bytes"] == total  # the footprint page agrees
        assert row["transfer_bytes"] <= ARTICLE_BUDGET
        checked += 1
    assert checked >= 1, "the sample site should have an article without demos or widgets"


def test_every_demo_figure_fits_40_kb(sample_site):
    figures = sorted((sample_site / "demos").rglob("*.svg")) if (sample_site / "demos").is_dir() else []
    if not figures:
        pytest.fail("the sample site has no demo figure (output/demos/**/*.svg): the 40 KB "
                    "figure budget cannot be checked; add a demo that draws a figure")
    for figure in figures:
        size = gz(figure.read_bytes())
        assert size <= FIGURE_BUDGET, f"{figure}: {size} bytes compressed (budget {FIGURE_BUDGET})"


def test_widget_loader_fits_6_kb(sample_site):
    loaders = set()
    for page in sample_site.rglob("*.html"):
        text = page.read_text("utf-8")
        if "data-pw-name" not in text:
            continue
        for tag, attributes in tags(text):
            if tag == "script" and "loader" in attributes.get("src", ""):
                loaders.add((page.parent / urlsplit(attributes["src"]).path).resolve())
    assert loaders, "no page of the sample site loads the widget loader"
    for loader in loaders:
        size = gz(loader.read_bytes())
        assert size <= LOADER_BUDGET, f"{loader}: {size} bytes compressed (budget {LOADER_BUDGET})"


def test_no_web_fonts(sample_site):
    fonts = [p for p in sample_site.rglob("*") if p.suffix.lower() in FONT_SUFFIXES]
    assert fonts == []
    for path in sample_site.rglob("*"):
        if path.suffix in {".css", ".html", ".svg"}:
            assert "@font-face" not in path.read_text("utf-8", "replace").lower(), path


def loads_in(path: Path, text: str) -> list[str]:
    """Every URL the file at `path` makes the browser load (see the module docstring)."""
    urls: list[str] = []
    if path.suffix in {".html", ".svg", ".xml"}:
        if path.suffix == ".xml":
            text = html_lib.unescape(text)  # feed entries carry escaped HTML
        for tag, attributes in tags(text):
            for name, value in attributes.items():
                if name in LOAD_ATTRIBUTES or (tag in {"image", "use"} and name.endswith("href")):
                    urls += [part.split()[0] for part in value.split(",") if part.strip()] \
                        if name == "srcset" else [value]
            rels = set(attributes.get("rel", "").lower().split())
            if tag == "link" and "href" in attributes and not rels <= NON_LOADING_RELS:
                urls.append(attributes["href"])
            if "style" in attributes:
                urls += CSS_LOADS.findall(attributes["style"])
        for style in re.findall(r"<style[^>]*>(.*?)</style>", text, re.DOTALL | re.IGNORECASE):
            urls += CSS_LOADS.findall(style)
    elif path.suffix == ".css":
        urls += CSS_LOADS.findall(text)
    elif path.suffix in {".js", ".mjs"}:
        urls += JS_LOADS.findall(text)
    return urls


def is_same_origin(url: str, site_url: str) -> bool:
    url = url.strip()
    # Inline data, and Node built-ins (`node:fs`) that Pyodide imports only under Node.
    if url.startswith(("data:", "blob:", "#", "about:", "node:")) or "${" in url:
        return True
    parts, site = urlsplit(urljoin(site_url + "/", url)), urlsplit(site_url)
    return (parts.scheme, parts.netloc) == (site.scheme, site.netloc)


def test_nothing_is_loaded_from_another_site(sample_site, report):
    site_url = report["site"]["url"]
    offenders = []
    checked = 0
    for path in sorted(sample_site.rglob("*")):
        if path.suffix not in TEXT_SUFFIXES or not path.is_file():
            continue
        for url in loads_in(path, path.read_text("utf-8", "replace")):
            checked += 1
            if not is_same_origin(url, site_url):
                offenders.append(f"{path.relative_to(sample_site)}: {url}")
    assert offenders == []
    assert checked > 50  # the scan saw the site's stylesheets, scripts and images
    assert all(page["third_party"] == [] for page in report["pages"])


def test_the_scan_would_catch_third_party_loads(tmp_path):
    page = tmp_path / "index.html"
    text = ('<a href="https://example.org/cited">fine</a><link rel="alternate" href="https://x.org/f">'
            '<img src="https://cdn.example.com/a.png"><link rel="preload" href="//fonts.example.com/f.css">'
            '<div style="background:url(https://img.example.com/b.png)"></div>')
    loads = loads_in(page, text)
    assert [u for u in loads if not is_same_origin(u, "http://localhost:8000")] == [
        "https://cdn.example.com/a.png", "//fonts.example.com/f.css", "https://img.example.com/b.png"]
    js = 'import x from "https://esm.example.com/x.mjs"; fetch("https://api.example.com/");'
    assert loads_in(tmp_path / "a.mjs", js) == ["https://esm.example.com/x.mjs", "https://api.example.com/"]
    assert is_same_origin("http://localhost:8000/theme/a.css", "http://localhost:8000")
