"""Content-hashed asset names, precompressed copies, and atomic writes."""

from __future__ import annotations

import gzip
import hashlib
import os

import brotli
import pytest
from pelican.plugins.footprint import assets
from pelican.plugins.footprint.assets import hash_assets, precompress
from pelican.plugins.footprint.transfer import SiteOrigin
from plugin_core import publishing
from plugin_core.publishing import write_atomically


def make_site(root):
    files = {
        "theme/css/style.css": "@import url('base.css');\nbody { color: #111 }\n",
        "theme/css/base.css": "html { font-family: system-ui }\n",
        "theme/js/app.js": "console.log('hi');\n",
        "index.html": '<link rel="stylesheet" href="theme/css/style.css">'
                      '<script src="theme/js/app.js?x=1"></script>'
                      '<a href="theme/css/style.css">source</a>',
        "a/index.html": '<link rel="stylesheet" href="../theme/css/style.css">',
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def short_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:10]


def test_pages_load_hashed_copies_named_after_their_content(tmp_path):
    make_site(tmp_path)
    origin = SiteOrigin(tmp_path, "http://site.test")
    renamed = hash_assets(["index.html", "a/index.html"], origin)

    base = (tmp_path / "theme/css/base.css").read_bytes()
    base_hashed = f"theme/css/base.{short_hash(base)}.css"
    style = (tmp_path / renamed["theme/css/style.css"]).read_bytes()
    # The importing stylesheet loads the hashed copy too, and is named after that content.
    assert style == f"@import url('base.{short_hash(base)}.css');\nbody {{ color: #111 }}\n".encode()
    assert renamed == {
        "theme/css/style.css": f"theme/css/style.{short_hash(style)}.css",
        "theme/css/base.css": base_hashed,
        "theme/js/app.js": f"theme/js/app.{short_hash((tmp_path / 'theme/js/app.js').read_bytes())}.js",
    }
    index = (tmp_path / "index.html").read_text()
    assert f'href="theme/css/style.{short_hash(style)}.css"' in index
    assert f'src="theme/js/app.{short_hash((tmp_path / "theme/js/app.js").read_bytes())}.js?x=1"' in index
    assert f'href="../theme/css/style.{short_hash(style)}.css"' in (tmp_path / "a/index.html").read_text()
    # Originals stay, so URLs we did not rewrite keep working.
    assert (tmp_path / "theme/css/style.css").is_file()


def test_rehashing_is_idempotent_and_drops_stale_copies(tmp_path):
    make_site(tmp_path)
    origin = SiteOrigin(tmp_path, "")
    first = hash_assets(["index.html"], origin)
    stale = tmp_path / first["theme/js/app.js"]
    (tmp_path / "theme/js/app.js").write_text("console.log('changed');\n")
    make_page = '<script src="theme/js/app.js"></script>'
    (tmp_path / "index.html").write_text(make_page)  # a rebuild writes the page afresh
    second = hash_assets(["index.html"], origin)
    assert not stale.exists()
    assert (tmp_path / second["theme/js/app.js"]).is_file()
    assert hash_assets(["index.html"], origin) == {}  # pages already load hashed names
    assert sorted(p.name for p in (tmp_path / "theme/js").iterdir()) == sorted(
        ["app.js", os.path.basename(second["theme/js/app.js"])])


def test_precompress_writes_what_the_footprint_counts(tmp_path):
    make_site(tmp_path)
    (tmp_path / "photo.png").write_bytes(bytes(200))
    (tmp_path / "big.html").write_text("<p>low carbon</p>\n" * 200)
    (tmp_path / "dataset.csv.gz").write_bytes(b"a download of the site's own")
    written = precompress(tmp_path)
    big = (tmp_path / "big.html").read_bytes()
    assert gzip.decompress((tmp_path / "big.html.gz").read_bytes()) == big
    assert brotli.decompress((tmp_path / "big.html.br").read_bytes()) == big
    assert (tmp_path / "big.html.gz").read_bytes() == gzip.compress(big, 9, mtime=0)
    assert not (tmp_path / "photo.png.gz").exists()  # not a compressible type
    assert not (tmp_path / "theme/js/app.js.gz").exists()  # 19 bytes: gzip would add bytes
    assert (tmp_path / "dataset.csv.gz").read_bytes() == b"a download of the site's own"
    assert written >= 2
    assert precompress(tmp_path) == 0  # nothing changed: nothing rewritten


def test_write_atomically_never_leaves_a_half_written_file(tmp_path, monkeypatch):
    target = tmp_path / "page.html"
    target.write_bytes(b"old page")

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(publishing.os, "replace", fail)
    with pytest.raises(OSError):
        write_atomically(target, b"new page")
    assert target.read_bytes() == b"old page"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]
    monkeypatch.undo()
    write_atomically(target, b"new page")
    assert target.read_bytes() == b"new page"


def test_stale_compressed_copies_are_removed_and_current_ones_kept(tmp_path):
    page = tmp_path / "index.html"
    page.write_text("<p>new page</p>")
    stale = tmp_path / "index.html.gz"
    stale.write_bytes(gzip.compress(b"<p>old page</p>"))
    current_file = tmp_path / "style.css"
    current_file.write_text("body{}")
    current = tmp_path / "style.css.gz"
    current.write_bytes(gzip.compress(b"body{}"))
    nested = tmp_path / "issues" / "a" / "index.html"
    nested.parent.mkdir(parents=True)
    nested.write_text("<p>new issue</p>")
    stale_brotli = tmp_path / "issues" / "a" / "index.html.br"
    stale_brotli.write_bytes(brotli.compress(b"<p>old issue</p>"))
    for twin in (stale, current, stale_brotli):  # all older than their file
        os.utime(twin, (1, 1))
    assert assets.remove_stale_twins(tmp_path) == 2
    assert not stale.exists() and not stale_brotli.exists()
    assert current.exists()


def test_files_in_lists_a_site_in_path_order_without_the_skipped_folders(tmp_path):
    for name in ("b.html", "a-b/x.html", "a/b.html", "a/c.css", "pagefind/f.html", "a/pagefind/g.html"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert publishing.files_in(tmp_path, (".html",), ("pagefind/",)) == [
        "a/b.html", "a/pagefind/g.html", "a-b/x.html", "b.html"]
    assert publishing.files_in(tmp_path, (".css", ".html"))[:2] == ["a/b.html", "a/c.css"]
