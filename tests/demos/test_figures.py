"""Figures in real builds: a size budget per figure, and `figure-format: svg | png`.

A 300,000-point scatter saved as SVG weighs ~31 MB and used to be published
without a word. Here the budget is 100 KB and a 3,000-point scatter (~320 KB as
SVG, ~55 KB as PNG or rasterized) stands in for it.
"""

from __future__ import annotations

import re
import shutil

import feedparser
import pytest
from pelican.plugins.measured_demos.settings import DemoSettings
from plugin_core import problems

from tests.demos.test_site import build, make_site, post, ran
from tests.helpers import log_of

SCATTER = """
import numpy as np
import matplotlib.pyplot as plt
x, y = np.random.rand(2, 3000)
plt.figure(figsize=(4, 3))
plt.scatter(x, y, s=2{rasterized})
plt.title("Points")
"""
DEMOS = {
    "scatter.py": SCATTER.format(rasterized=""),
    "rasterized.py": SCATTER.format(rasterized=", rasterized=True"),
}
FIGURES_POST = post(
    "Figures",
    """\
    ::: demo demos/scatter.py
    caption: Every point as SVG
    :::

    ::: demo demos/scatter.py
    caption: The same points as PNG
    figure-format: png
    :::

    ::: demo demos/rasterized.py
    caption: Points rasterized inside an SVG
    :::

    ::: demo demos/rasterized.py
    figure-format: jpeg
    :::
    """,
)
BUDGET_KB = 100
POST_PATH = "content/issues/figures.md"


@pytest.fixture(scope="module")
def figures_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("figures")
    make_site(root, {"figures.md": FIGURES_POST}, DEMOS)
    result = build(root, DEMOS_FIGURE_BUDGET_KB=BUDGET_KB)
    return root, result, " ".join(log_of(result).split())


def test_a_figure_over_the_budget_fails_the_build_with_its_number_size_and_fixes(figures_site):
    _, result, log = figures_site
    assert result.returncode == 1
    assert re.search(
        rf"{POST_PATH}:4: demo demos/scatter.py failed: FigureTooLarge: figure 1 \(fig-1.svg\) is \d+ KB, "
        rf"over the figure budget of {BUDGET_KB} KB \(DEMOS_FIGURE_BUDGET_KB\); pass rasterized=True to the "
        r"call that draws many points \(plt.scatter\(x, y, rasterized=True\)\), plot fewer points, or add "
        r"'figure-format: png' to the block",
        log,
    ), log
    assert f"{POST_PATH}:18: option 'figure-format': expected svg or png, got 'jpeg'" in log


def test_png_and_rasterized_figures_are_published_and_cached(figures_site):
    root, _, log = figures_site
    assert ran(log) == (3, 3, 0)
    html = (root / "output" / "issues" / "figures" / "index.html").read_text()
    image = r'<img src="(?P<src>[^"]+/fig-1\.png)" alt="The same points as PNG"'
    png = re.search(image + ' width="400" height="300"', html)  # 4 x 3 inches at 100 dpi
    assert png, html
    published = (root / "output" / "issues" / "figures" / png["src"]).resolve()
    assert published.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert published.stat().st_size < BUDGET_KB * 1024
    assert re.search(r'<img src="[^"]+/fig-1\.svg" alt="Points rasterized inside an SVG"', html)
    assert "Demo failed:" in html  # the oversized one is an error box, not a 320 KB image
    cached = sorted(path.name for path in (root / "_demo_cache").glob("*/fig-1.*"))
    assert cached == ["fig-1.png", "fig-1.svg"]  # the SVG one of rasterized.py; nothing of the failure
    feed = feedparser.parse((root / "output" / "feeds" / "all.atom.xml").read_text())
    content = feed.entries[0].content[0].value
    assert re.search(r'src="http://localhost:8000/demos/scatter-[0-9a-f]{16}/fig-1\.png"', content), content


def test_a_lower_budget_reruns_cached_figures_and_fails_them(figures_site, tmp_path):
    source, _, _ = figures_site
    for folder in ("content", "demos", "_demo_cache"):
        shutil.copytree(source / folder, tmp_path / folder)
    result = build(tmp_path, DEMOS_FIGURE_BUDGET_KB=20)
    log = " ".join(log_of(result).split())
    assert result.returncode == 1
    assert re.search(
        rf"{POST_PATH}:8: demo demos/scatter.py failed: FigureTooLarge: figure 1 \(fig-1.png\) is \d+ KB, "
        r"over the figure budget of 20 KB .* plot fewer points, or save it smaller",
        log,
    ), log
    assert ran(log) == (3, 3, 0)  # the cached entries over the new budget ran again
    assert len(list((tmp_path / "_demo_cache").iterdir())) == 2  # not pruned: nothing lost


def test_the_budget_defaults_to_1_mb_and_a_bad_value_names_the_setting(tmp_path):
    def budget(**settings):
        return DemoSettings.from_settings({"PATH": str(tmp_path), **settings}, environ={}).figure_budget_kb

    assert budget() == 1024
    assert budget(DEMOS_FIGURE_BUDGET_KB=None) is None
    budget(DEMOS_FIGURE_BUDGET_KB=0)
    assert any("DEMOS_FIGURE_BUDGET_KB" in str(problem) for problem in problems.reported())
