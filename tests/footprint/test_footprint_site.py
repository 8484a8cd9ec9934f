"""The Footprint page and JSON of a tiny site whose bytes are checked by hand.

The site: a minimal theme (one 90-byte stylesheet), one article with a 69-byte
PNG, a citation link and a real measured demo (`fixture/demos/tiny_plot.py`,
run by the measured_demos plugin, which draws one SVG figure), the index, an
Atom feed, and a 1,000-byte file under `pyodide/` and a 500-byte one under
`micropython/` standing in for the two widget runtimes. Carbon intensity 100 g/kWh, so
by hand (SWD v4, CO2.js 0.19.0) one byte costs
(0.194 kWh/GB x 100 + 0.106 kWh/GB x 494) / 1e9 = 7.1764e-8 g CO2e.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import statistics
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from plugin_core.units import format_bytes, format_grams, format_joules

from tests.helpers import PROJECT, build_site, log_of, write_site

FIXTURE = Path(__file__).parent / "fixture"
GRAMS_PER_BYTE = (0.194 * 100 + 0.106 * 494) / 1e9
CSS_BYTES = 90  # tiny.css: gzip makes it 101 bytes, so a server sends it as is
PNG_BYTES = 69  # a 1x1 PNG: sent as is (images are not recompressed)
RUNTIME_RAW, RUNTIME_GZIP = 1000, 62
MICRO_RAW, MICRO_GZIP = 500, 57
SITEURL = "http://site.test"
SETTINGS = {
    "SITEURL": SITEURL,
    "FEED_DOMAIN": SITEURL,
    "DIRECT_TEMPLATES": ["index"],
    "TEMPLATE_PAGES": {},
    "ARCHIVES_SAVE_AS": "", "TAGS_SAVE_AS": "", "CATEGORIES_SAVE_AS": "",
    "CATEGORY_SAVE_AS": "", "TAG_SAVE_AS": "",
    "CATEGORY_FEED_ATOM": None, "CATEGORY_FEED_RSS": None, "TAG_FEED_ATOM": None,
    "TAG_FEED_RSS": None, "FEED_ALL_RSS": None,
    "STATIC_PATHS": ["images", "pyodide", "micropython"],
    "CARBON_INTENSITY": {"g_per_kwh": 100, "region": "test grid", "year": 2024,
                         "source": "test", "url": ""},
}


def one_pixel_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x2f\x6b\x3a", 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def gz(data: bytes) -> int:
    return min(len(data), len(gzip.compress(data, compresslevel=9, mtime=0)))


def make_site(root: Path) -> Path:
    theme = root / "theme"
    shutil.copytree(FIXTURE / "theme", theme)
    (theme / "templates" / "partials").mkdir()
    # The real footer partial of the project's theme: the footprint link and slot.
    shutil.copy(PROJECT / "theme/templates/partials/footer_extra.html", theme / "templates/partials")
    content = write_site(root, {"issues/tiny.md": """\
        Title: Tiny
        Date: 2024-01-01
        Slug: tiny

        A dot: ![a green dot]({static}/images/dot.png)

        Cited: [a source](https://example.org/paper).

        ::: demo demos/tiny_plot.py
        caption: Squares
        :::
        """})
    shutil.copytree(FIXTURE / "demos", root / "demos")
    (content / "images").mkdir()
    (content / "images" / "dot.png").write_bytes(one_pixel_png())
    (content / "pyodide" / "1.0").mkdir(parents=True)
    (content / "pyodide" / "1.0" / "runtime.js").write_bytes(
        (b"The energy of a page, line by line. " * 40)[:RUNTIME_RAW])
    (content / "micropython" / "1.0").mkdir(parents=True)
    (content / "micropython" / "1.0" / "micropython.wasm").write_bytes(
        (b"Small runtimes for tiny models. " * 20)[:MICRO_RAW])
    return content


def build(root: Path, **extra) -> Path:
    content = root / "content" if (root / "content").exists() else make_site(root)
    result = build_site(root / "output", content,
                        extra={**SETTINGS, "THEME": str(root / "theme"), **extra})
    assert result.returncode == 0, log_of(result)
    complaints = [line for line in log_of(result).splitlines()
                  if "footprint:" in line and ("WARNING" in line or "ERROR" in line)]
    assert not complaints, complaints
    return root / "output"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("footprint"))


@pytest.fixture(scope="module")
def report(site) -> dict:
    return json.loads((site / "footprint.json").read_text())


def test_fixture_files_are_what_the_docstring_says():
    assert len(one_pixel_png()) == PNG_BYTES
    assert (FIXTURE / "theme/static/css/tiny.css").stat().st_size == CSS_BYTES
    assert len(gzip.compress((FIXTURE / "theme/static/css/tiny.css").read_bytes(), 9, mtime=0)) == 101


def demo_figure(site: Path) -> Path:
    (figure,) = (site / "demos").rglob("*.svg")
    return figure


def test_every_page_weight_is_exact(site, report):
    pages = {page["path"]: page for page in report["pages"]}
    assert set(pages) == {"index.html", "issues/tiny/index.html", "footprint/index.html"}
    figure = gz(demo_figure(site).read_bytes())
    for path, page in pages.items():
        html = gz((site / path).read_bytes())
        images = PNG_BYTES + figure if path == "issues/tiny/index.html" else 0
        assert page["html_bytes"] == html, path
        assert page["css_bytes"] == CSS_BYTES, path
        assert page["image_bytes"] == images, path
        assert page["script_bytes"] == 0
        assert page["transfer_bytes"] == html + CSS_BYTES + images, path
        assert page["requests"] == (4 if images else 2)
        assert page["co2e_grams_per_view"] == pytest.approx(page["transfer_bytes"] * GRAMS_PER_BYTE,
                                                            rel=1e-12)
        assert page["third_party"] == [] and page["missing"] == []
    css = pages["index.html"]["resources"][0]["path"]
    assert css.startswith("theme/css/tiny.") and css.endswith(".css") and css != "theme/css/tiny.css"


def test_each_footer_states_its_own_page(site, report):
    for page in report["pages"]:
        html = (site / page["path"]).read_text()
        stamp = (f"This page: {format_bytes(page['transfer_bytes'])} transferred, an estimated "
                 f"{format_grams(page['co2e_grams_per_view'])} CO<sub>2</sub>e per view.")
        assert stamp in html, page["path"]
        assert html.count("This page:") == 1
    article = (site / "issues/tiny/index.html").read_text()
    assert 'href="../../footprint/">Footprint of this site</a>' in article


def test_feeds_are_not_pages(site, report):
    feed = (site / "feeds/all.atom.xml").read_text()
    assert "This page:" not in feed
    assert not any(page["path"].startswith("feeds/") for page in report["pages"])


def test_totals_model_and_comparison(report):
    sizes = [page["transfer_bytes"] for page in report["pages"]]
    totals = report["totals"]
    assert totals["pages"] == 3
    assert totals["pages_transfer_bytes"] == sum(sizes)
    assert totals["median_page_transfer_bytes"] == statistics.median(sizes)
    assert totals["median_page_co2e_grams_per_view"] == pytest.approx(
        statistics.median(sizes) * GRAMS_PER_BYTE, rel=1e-12)
    assert totals["heaviest_page"]["transfer_bytes"] == max(sizes)
    assert report["model"]["implementation"] == "@tgwf/co2 0.19.0"
    assert report["model"]["grid_intensity_g_per_kwh"] == 100
    assert report["model"]["grid_intensity_source"].startswith("100 g CO\u2082e/kWh, test grid, 2024")
    assert "CARBON_INTENSITY setting" in report["model"]["grid_intensity_source"]
    comparison = report["comparison"]
    assert comparison["median_desktop_bytes"] == 2_652_000
    assert comparison["median_mobile_bytes"] == 2_311_000
    assert comparison["url"] == "https://almanac.httparchive.org/en/2024/page-weight"
    assert comparison["median_page_share_of_desktop"] == pytest.approx(statistics.median(sizes) / 2_652_000)


def test_widget_runtime_is_listed_apart(report):
    runtime = report["widget_runtime"]
    assert runtime["files"] == [
        {"path": "pyodide/1.0/runtime.js", "raw_bytes": RUNTIME_RAW, "transfer_bytes": RUNTIME_GZIP},
        {"path": "micropython/1.0/micropython.wasm", "raw_bytes": MICRO_RAW, "transfer_bytes": MICRO_GZIP},
    ]
    assert gz((b"Small runtimes for tiny models. " * 20)[:MICRO_RAW]) == MICRO_GZIP
    assert runtime["transfer_bytes"] == RUNTIME_GZIP + MICRO_GZIP
    assert runtime["co2e_grams_per_load"] == pytest.approx((RUNTIME_GZIP + MICRO_GZIP) * GRAMS_PER_BYTE)
    # Each runtime apart: a reader fetches one only when running one of its widgets.
    assert [(p["directory"], p["files"], p["raw_bytes"], p["transfer_bytes"]) for p in runtime["parts"]] == [
        ("pyodide", 1, RUNTIME_RAW, RUNTIME_GZIP), ("micropython", 1, MICRO_RAW, MICRO_GZIP)]
    assert runtime["parts"][1]["co2e_grams_per_load"] == pytest.approx(MICRO_GZIP * GRAMS_PER_BYTE)
    assert not any(folder in r["path"] for page in report["pages"] for r in page["resources"]
                   for folder in ("pyodide/", "micropython/"))


def test_build_energy_is_measured_with_the_demo_meter(report):
    build = report["build"]
    assert build is not None
    assert build["energy_joules"] > 0
    assert build["method"].startswith(("estimate", "measured"))
    assert build["co2e_grams"] == pytest.approx(build["energy_joules"] / 3.6e6 * 100)
    assert report["totals"]["build_energy_joules"] == build["energy_joules"]


def without_card_labels(html: str) -> str:
    """The Footprint page's cells carry their column's name for phones (data-label)."""
    return re.sub(r' data-label="[^"]*"', "", html)


def test_demos_are_listed_with_their_cost(site, report):
    (demo,) = report["demos"]
    assert demo["script"] == "demos/tiny_plot.py"
    assert demo["page_url"] == "issues/tiny/"
    assert demo["energy_joules"] > 0 and demo["cpu_seconds"] > 0
    assert demo["co2e_grams"] == pytest.approx(demo["energy_joules"] / 3.6e6 * 100)
    assert demo["method"].startswith(("estimate", "measured"))
    assert demo["ran_at"][:2] == "20" and demo["machine"]
    # Hugging Face model-card fields, under their exact names, emissions in grams.
    card = demo["co2_eq_emissions"]
    assert set(card) == {"emissions", "source", "training_type", "geographical_location", "hardware_used"}
    assert card["emissions"] == demo["co2e_grams"] and card["hardware_used"] == demo["machine"]
    assert card["geographical_location"] == "test grid"  # the region recorded with the run
    assert card["source"].startswith(("estimated", "measured"))
    if demo["energy_kind"] == "estimated":
        assert demo["energy_joules_low"] < demo["energy_joules"] < demo["energy_joules_high"]
        assert demo["co2e_grams_low"] < demo["co2e_grams"] < demo["co2e_grams_high"]
    assert demo["from_cache"] is False and demo["ok"] is True
    totals = report["totals"]
    assert (totals["demos"], totals["demos_run_this_build"]) == (1, 1)
    assert totals["demos_energy_joules"] == demo["energy_joules"]
    html = without_card_labels((site / "footprint/index.html").read_text())
    cell = (f'<a href="../issues/tiny/">demos/tiny_plot.py</a></td><td>{demo["energy_kind"]}</td>'
            f'<td class="number">{format_joules(demo["energy_joules"])}')
    assert cell in html
    assert demo["ran_at"] in html and demo["machine"] in html
    assert "Measured on" not in html and "when they were measured" not in html
    # One unit per quantity, two significant figures.
    assert re.search(r"[\d.,]+\u00a0mg", html) and not re.search(r"[\d.]+\u00a0g\b", html)
    dates = [issue["date"] for issue in report["issues"]]
    assert dates and dates == sorted(dates)  # publication order


def test_a_cached_demo_costs_nothing_new(tmp_path):
    build(tmp_path)
    report = json.loads((build(tmp_path) / "footprint.json").read_text())
    (demo,) = report["demos"]
    assert demo["from_cache"] is True
    assert report["totals"]["demos_run_this_build"] == 0
    assert report["totals"]["demos_energy_joules_this_build"] == 0
    assert report["totals"]["demos_energy_joules"] == demo["energy_joules"] > 0


def test_footprint_page_shows_the_json(site, report):
    html = without_card_labels((site / "footprint/index.html").read_text())
    assert "<h1>Footprint</h1>" in html
    for page in report["pages"]:
        row = (f'<tr><td><a href="../{page["url"]}">{page["title"]}</a></td>'
               f'<td class="number">{format_bytes(page["transfer_bytes"])}</td>'
               f'<td class="number">{format_bytes(page["html_bytes"])}</td>')
        assert row in html, page["path"]
    assert format_bytes(RUNTIME_GZIP) in html and "pyodide/1.0/runtime.js" in html
    for label, size in (("Pyodide (pyodide/)", RUNTIME_GZIP),
                        ("MicroPython (micropython/)", MICRO_GZIP)):
        assert f"<li>{label}: {format_bytes(size)} (1 file)" in html
        row = (f'<tr><th scope="row">{label}</th><td class="number">1</td>'
               f'<td class="number">{format_bytes(size)}</td>')
        assert row in html
    assert 'href="https://almanac.httparchive.org/en/2024/page-weight"' in html
    assert "@tgwf/co2 0.19.0" in html
    assert 'href="../footprint.json"' in html
    assert "Figures marked to load lazily are counted" in html  # and why (see the page)


def test_long_tables_show_their_heaviest_rows_and_say_so(tmp_path):
    site = build(tmp_path, FOOTPRINT_PAGE_ROWS=2)
    report = json.loads((site / "footprint.json").read_text())
    assert len(report["pages"]) == 3  # the JSON keeps every row
    html = without_card_labels((site / "footprint/index.html").read_text())
    pages = html.split('<h2 id="pages">')[1].split("</table>")[0]
    assert "The 2 heaviest of 3 pages, heaviest first" in pages
    heaviest = sorted(report["pages"], key=lambda page: -page["transfer_bytes"])
    shown = re.findall(r'<tr><td><a href="\.\./([^"]*)">', pages)
    assert shown == [page["url"] for page in heaviest[:2]]
    issues = html.split('<h2 id="issues">')[1].split("</table>")[0]
    assert "latest of" not in issues  # one issue: nothing left out
    assert "heaviest of" not in without_card_labels((build(tmp_path) / "footprint/index.html").read_text())


def test_rebuild_gives_the_same_figures_and_no_stale_files(tmp_path):
    first_output = build(tmp_path)
    first = json.loads((first_output / "footprint.json").read_text())
    (tmp_path / "theme/static/css/tiny.css").write_text("body{margin:0}\n")
    second = json.loads((build(tmp_path) / "footprint.json").read_text())
    hashed = sorted(p.name for p in (first_output / "theme/css").glob("tiny.*.css"))
    assert len(hashed) == 1  # the copy for the old stylesheet is gone
    article = next(p for p in second["pages"] if p["path"] == "issues/tiny/index.html")
    assert article["css_bytes"] == len("body{margin:0}\n")
    assert (first_output / "issues/tiny/index.html").read_text().count("This page:") == 1
    assert len(first["pages"]) == len(second["pages"])


def test_publish_precompresses_what_it_counts(tmp_path):
    output = build(tmp_path, FOOTPRINT_PRECOMPRESS=True, FOOTPRINT_ENCODING="br")
    report = json.loads((output / "footprint.json").read_text())
    for page in report["pages"]:
        html = output / page["path"]
        assert (html.parent / (html.name + ".br")).stat().st_size == page["html_bytes"]
        assert (html.parent / (html.name + ".gz")).is_file()
    assert (output / "footprint.json.gz").is_file()


REPEATED_RUNS = """
import json, sys
from pathlib import Path
from pelican import Pelican, signals
from pelican.settings import read_settings

settings = read_settings(sys.argv[1], override=json.loads(sys.argv[2]))
pelican = Pelican(settings)
failing = [False]

def fail_midway(generators):  # connected after the plugins: theirs have run
    if failing[0]:
        raise RuntimeError("a build that fails midway")

signals.all_generators_finalized.connect(fail_midway)
reports = []
for fail in (False, True, False):
    failing[0] = fail
    try:
        pelican.run()
    except RuntimeError:
        reports.append(None)
        continue
    reports.append(json.loads((Path(settings["OUTPUT_PATH"]) / "footprint.json").read_text()))
Path(sys.argv[3]).write_text(json.dumps(reports))
"""


def test_repeated_builds_in_one_process_start_afresh(tmp_path):
    """`make devserver` runs every build in one process, and a build may fail midway:
    the next one must not inherit the pages, demos or energy meter of an earlier one."""
    content = make_site(tmp_path)
    overrides = {**SETTINGS, "THEME": str(tmp_path / "theme"), "PATH": str(content),
                 "OUTPUT_PATH": str(tmp_path / "output"),
                 "DEMOS_CACHE_PATH": str(tmp_path / "_demo_cache")}
    result = subprocess.run(
        [sys.executable, "-c", REPEATED_RUNS, str(PROJECT / "pelicanconf.py"),
         json.dumps(overrides), str(tmp_path / "reports.json")],
        cwd=PROJECT, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    first, failed, last = json.loads((tmp_path / "reports.json").read_text())
    assert failed is None
    for report in (first, last):
        assert [page["path"] for page in report["pages"]] == [
            "footprint/index.html", "index.html", "issues/tiny/index.html"]
        assert report["totals"]["demos"] == 1
    assert last["totals"]["demos_run_this_build"] == 0  # the failed run's demo was cached
    # The index is the same; the article and the Footprint page now say the demo
    # came from the cache. Every footer states its own page as last written.
    index = [[page for page in report["pages"] if page["path"] == "index.html"]
             for report in (first, last)]
    assert index[0] == index[1]
    for page in last["pages"]:
        stamp = f"This page: {format_bytes(page['transfer_bytes'])} transferred"
        assert stamp in (tmp_path / "output" / page["path"]).read_text(), page["path"]
    assert 0 < last["build"]["wall_seconds"] < first["build"]["wall_seconds"] + 30
    article = (tmp_path / "output/issues/tiny/index.html").read_text()
    assert article.count("This page:") == 1

