"""What a page loads without interaction, and what that weighs on the wire."""

from __future__ import annotations

import gzip
from pathlib import Path

import brotli
import pytest
from pelican.plugins.footprint.transfer import (
    SiteOrigin,
    css_references,
    html_references,
    js_static_imports,
    measure_page,
)
from plugin_core.compression import encoded_size, file_transfer_size

PAGE = """<!doctype html><html><head>
<link rel="stylesheet" href="../../theme/css/style.css?v=1">
<link rel="icon" href="data:image/svg+xml,%3Csvg%3E%3C/svg%3E">
<link rel="alternate" type="application/atom+xml" href="http://site.test/feeds/all.atom.xml">
<link rel="modulepreload" href="/js/app.mjs">
<style>body { background: url('../../img/bg.png') }</style>
</head><body>
<a href="https://example.org/paper.pdf">a cited source</a>
<img src="figure.svg" alt="" loading="lazy">
<img srcset="small.png 1x, big.png 2x" alt="">
<script type="module" src="/js/app.mjs"></script>
<div style="background-image: url(&quot;../../img/dot.png&quot;)"></div>
</body></html>"""


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def test_html_references_are_loads_not_links():
    urls = [(ref.url, ref.kind) for ref in html_references(PAGE)]
    assert ("../../theme/css/style.css?v=1", "stylesheet") in urls
    assert ("/js/app.mjs", "script") in urls
    assert ("figure.svg", "image") in urls
    assert ("small.png", "image") in urls
    assert ("../../img/bg.png", "image") in urls
    assert ("../../img/dot.png", "image") in urls
    assert not any("example.org" in url or "atom" in url for url, _ in urls)


def test_html_references_skip_comments_and_script_text_and_read_attributes_as_a_browser():
    page = (
        '<IMG SRC="upper.png"><!-- <img src="commented.png"> -->'
        '<script>var s = "<img src=in-script.png>";</script>'
        '<p data-style="x" title="style=url(not.png)">text</p>'
        "<span class=x style = \"background: url('styled.png')\">x</span>"
        '<img src="a&amp;b.png" alt="x > y"><svg><image href="svg.png"/></svg>'
        '<link rel="preload stylesheet" href="both.css"/><img srcset=" , ">'
    )
    assert [(r.url, r.kind) for r in html_references(page)] == [
        ("upper.png", "image"), ("styled.png", "image"), ("a&b.png", "image"),
        ("svg.png", "image"), ("both.css", "stylesheet"),
    ]


def test_css_and_js_references():
    css = "@import url('base.css'); /* url(commented.png) */ a { src: url(f.woff2) }"
    assert [(r.url, r.kind) for r in css_references(css)] == [("base.css", "stylesheet"),
                                                             ("f.woff2", "font")]
    js = 'import { a } from "./a.mjs";\nimport "./side.mjs";\nexport * from \'./b.mjs\';\n' \
         'const later = import("./lazy.mjs"); new Worker("./w.mjs");'
    assert [r.url for r in js_static_imports(js)] == ["./a.mjs", "./side.mjs", "./b.mjs"]


def test_origin_resolution(tmp_path):
    (tmp_path / "issues" / "a").mkdir(parents=True)
    origin = SiteOrigin(tmp_path, "https://site.test/blog")
    assert origin.resolve("../../theme/style.css?x#y", "issues/a/index.html") == "theme/style.css"
    assert origin.resolve("/blog/theme/style.css", "index.html") == "theme/style.css"
    assert origin.resolve("https://site.test/blog/issues/a/", "index.html") == "issues/a/index.html"
    assert origin.resolve("issues/a", "index.html") == "issues/a/index.html"
    assert origin.resolve("https://cdn.example.com/x.js", "index.html") is None
    assert origin.is_third_party("//cdn.example.com/x.js")
    assert origin.is_third_party("http://site.test/blog/x.js")  # another scheme, another origin
    assert not origin.is_third_party("../x.js")
    assert origin.is_inline("data:image/png;base64,AAAA")


def test_measure_page_counts_each_loaded_file_once_compressed(tmp_path):
    files = {
        "theme/css/style.css": b"@import 'more.css';\nbody { color: #222; margin: 0 auto; }\n" * 20,
        "theme/css/more.css": b"h1 { font-size: 2rem }\n" * 30,
        "js/app.mjs": b'import { x } from "./dep.mjs";\nconsole.log(x);\n' + b"//" + b"a" * 300,
        "js/dep.mjs": b"export const x = 1;\n",
        "img/bg.png": bytes(range(256)),
        "img/dot.png": b"\x89PNG" + bytes(60),
        "issues/a/figure.svg": b"<svg xmlns='http://www.w3.org/2000/svg'>" + b"<g/>" * 100 + b"</svg>",
        "issues/a/small.png": bytes(90),
        "issues/a/index.html": PAGE.encode(),
    }
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    page = measure_page("issues/a/index.html", SiteOrigin(tmp_path, "http://site.test"), "gzip")
    compressed = {"theme/css/style.css", "theme/css/more.css", "js/app.mjs", "js/dep.mjs",
                  "issues/a/figure.svg"}
    expected = {name: (min(gz(data), len(data)) if name in compressed else len(data))
                for name, data in files.items() if name != "issues/a/index.html"}
    # PNGs (already compressed) and files that gzip would enlarge are sent as they are.
    assert {r.path: r.transfer_bytes for r in page.resources} == expected
    assert page.html_transfer_bytes == gz(PAGE.encode())
    assert page.transfer_bytes == gz(PAGE.encode()) + sum(expected.values())
    assert page.missing == ()
    assert page.third_party == ()
    stylesheets = expected["theme/css/style.css"] + expected["theme/css/more.css"]
    assert page.bytes_of_kind("stylesheet") == stylesheets


def test_missing_and_third_party_resources_are_reported(tmp_path):
    (tmp_path / "index.html").write_text(
        '<link rel="stylesheet" href="gone.css"><script src="https://cdn.example.com/a.js"></script>'
    )
    page = measure_page("index.html", SiteOrigin(tmp_path, "http://site.test"), "gzip")
    assert page.missing == ("gone.css",)
    assert page.third_party == ("https://cdn.example.com/a.js",)


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_encoded_size_is_what_the_server_sends(encoding):
    text = b"<p>low carbon</p>" * 100
    expected = gz(text) if encoding == "gzip" else len(brotli.compress(text, quality=11))
    assert encoded_size(text, encoding) == expected
    tiny = b"a"
    assert encoded_size(tiny, encoding) == 1  # compressing would add bytes: sent as is
    assert encoded_size(text, encoding, compressible=False) == len(text)


def test_file_size_cache_notices_rewrites(tmp_path: Path):
    file = tmp_path / "a.css"
    file.write_bytes(b"a{}" * 100)
    first = file_transfer_size(file, "gzip")
    file.write_bytes(bytes(range(256)) * 8)
    assert file_transfer_size(file, "gzip") != first


def test_a_precompressed_sibling_is_what_the_server_sends(tmp_path: Path):
    file = tmp_path / "app.mjs"
    file.write_bytes(b"export const weights = [" + b"0.125, " * 500 + b"];\n")
    (tmp_path / "app.mjs.br").write_bytes(b"x" * 123)  # e.g. the widgets plugin's brotli twin
    assert file_transfer_size(file, "br") == 123
    assert file_transfer_size(file, "gzip") == gz(file.read_bytes())  # no .gz twin: computed
