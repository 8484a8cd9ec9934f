"""One pass per page: hashed assets, exact stamped weights, and what a rebuild remembers."""

from __future__ import annotations

import gzip
import re

import pytest
from pelican.plugins.footprint import page_memory
from pelican.plugins.footprint.assets import AssetHasher
from pelican.plugins.footprint.page_memory import PageMemory, memory_file
from pelican.plugins.footprint.pages import PagePass
from pelican.plugins.footprint.settings import read_settings
from pelican.plugins.footprint.transfer import SiteOrigin

PAGE = """<!doctype html><html><head><title>Issue {n} · Letter</title>
<link rel="stylesheet" href="../../theme/css/style.css"></head>
<body><p>{body}</p><footer><!--footprint:page--><!--/footprint:page--></footer></body></html>"""


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def write_site(root, count=3):
    (root / "theme/css").mkdir(parents=True)
    (root / "theme/css/style.css").write_text("body { color: #222 }\n" * 40)
    paths = []
    for n in range(count):
        path = f"issues/{n}/index.html"
        (root / path).parent.mkdir(parents=True)
        (root / path).write_text(PAGE.format(n=n, body=f"issue {n} " * (50 + 13 * n)))
        paths.append(path)
    return paths


def one_pass(root, paths, cache):
    settings = read_settings({"PATH": str(root / "content")})
    origin = SiteOrigin(root, "")
    memory = PageMemory(cache, settings.encoding)
    step = PagePass(origin, settings, "Letter", memory, AssetHasher(origin))
    results = [step.page(path) for path in paths]
    memory.save()
    return results


def test_a_page_is_written_once_loading_the_hashed_stylesheet_and_stating_its_exact_weight(tmp_path):
    paths = write_site(tmp_path)
    results = one_pass(tmp_path, paths, tmp_path / "cache.json")
    css = gz((tmp_path / "theme/css/style.css").read_bytes())
    for path, (title, transfer) in zip(paths, results, strict=True):
        written = (tmp_path / path).read_bytes()
        assert re.search(rb'href="\.\./\.\./theme/css/style\.[0-9a-f]{10}\.css"', written)
        assert title == f"Issue {path.split('/')[1]}"
        assert transfer.html_transfer_bytes == gz(written)  # the stamp is counted in the page
        assert transfer.transfer_bytes == gz(written) + css
        assert b"This page:" in written


def test_a_rebuild_reuses_what_it_remembers_and_stays_exact(tmp_path, monkeypatch):
    paths = write_site(tmp_path)
    originals = {path: (tmp_path / path).read_bytes() for path in paths}
    first = one_pass(tmp_path, paths, tmp_path / "cache.json")
    finals = {path: (tmp_path / path).read_bytes() for path in paths}

    # Pelican writes the pages afresh; one of them changed.
    for path, data in originals.items():
        (tmp_path / path).write_bytes(data)
    changed = paths[1]
    (tmp_path / changed).write_text(PAGE.format(n=1, body="a different issue " * 77))
    compressed = []

    def counting(data, encoding, compressible=True):
        compressed.append(len(data))
        return gz(data) if encoding == "gzip" else pytest.fail("unexpected encoding")

    monkeypatch.setattr(page_memory, "encoded_size", counting)
    second = one_pass(tmp_path, paths, tmp_path / "cache.json")

    for path in paths:
        if path != changed:
            assert (tmp_path / path).read_bytes() == finals[path]
            assert second[paths.index(path)] == first[paths.index(path)]
    assert compressed, "the changed page must be measured"
    # Only the changed page and its stamp's candidates; unchanged pages cost no compression.
    unchanged = [len(finals[path]) for path in paths if path != changed]
    assert all(abs(size - length) > 20 for size in compressed for length in unchanged)
    written = (tmp_path / changed).read_bytes()
    assert second[1][1].html_transfer_bytes == gz(written)


def test_a_damaged_memory_only_costs_time(tmp_path):
    paths = write_site(tmp_path, count=1)
    cache = tmp_path / "cache.json"
    cache.write_text('{"version": 2, "compressor": "x", "pages": [')
    (_, transfer), = one_pass(tmp_path, paths, cache)
    assert transfer.html_transfer_bytes == gz((tmp_path / paths[0]).read_bytes())
    assert cache.read_text().startswith('{"version":')


def test_each_output_folder_has_its_own_memory(tmp_path):
    settings = read_settings({"PATH": str(tmp_path / "content")})
    cache = settings.cache_path
    first, second = memory_file(cache, tmp_path / "a"), memory_file(cache, tmp_path / "b")
    assert first != second and first.parent == second.parent == tmp_path / ".cache" / "footprint"
    assert memory_file(read_settings({"FOOTPRINT_CACHE_PATH": False}).cache_path, tmp_path) is None


def test_the_report_is_written_row_by_row_as_the_json_it_is():
    import json

    from pelican.plugins.footprint.report import PageRow, json_chunks

    row = {"url": "issues/é/", "transfer_bytes": 9_000, "resources": [{"path": "a.css"}]}
    report = {"schema": 3, "pages": [row] * 300, "issues": [row] * 200, "emails": [], "site": {"n": [1]}}
    chunks = list(json_chunks(report))
    assert b"".join(chunks) == json.dumps(report, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
    assert max(len(chunk) for chunk in chunks) < 2 * len(json.dumps(row).encode())  # no table held whole
    # A page's row is a NamedTuple in the build, and an object in the file, not an array.
    page = PageRow("a/", "a/", "A", 1, 2, 3, 4, 5, 6, 7, 8, 0.5, 0.25, [], [], [])
    written = json.loads(b"".join(json_chunks({"pages": [page]})))
    assert written == {"pages": [page._asdict()]} and written["pages"][0]["title"] == "A"
