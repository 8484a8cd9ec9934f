"""Figures in real builds: `figure-format: svg | png`."""

from __future__ import annotations

import re

import feedparser
import pytest

from tests.demos.test_site import build, make_site, post, ran
from tests.helpers import log_of

SCATTER = """
import numpy as np
import matplotlib.pyplot as plt
x, y = np.random.rand(2, 3000)
plt.figure(figsize=(4, 3))
plt.scatter(x, y, s=2)
plt.title("Points")
"""
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

    ::: demo demos/scatter.py
    figure-format: jpeg
    :::
    """,
)
POST_PATH = "content/issues/figures.md"


@pytest.fixture(scope="module")
def figures_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("figures")
    make_site(root, {"figures.md": FIGURES_POST}, {"scatter.py": SCATTER})
    result = build(root)
    return root, result, " ".join(log_of(result).split())


def test_a_bad_figure_format_names_the_choices(figures_site):
    _, result, log = figures_site
    assert result.returncode == 1
    assert f"{POST_PATH}:14: option 'figure-format': expected svg or png, got 'jpeg'" in log


def test_png_figures_are_published_cached_and_in_feeds(figures_site):
    root, _, log = figures_site
    assert ran(log) == (2, 2, 0)  # the format is part of the key: one run each
    html = (root / "output" / "issues" / "figures" / "index.html").read_text()
    image = r'<img src="(?P<src>[^"]+/fig-1\.png)" alt="The same points as PNG"'
    png = re.search(image + ' width="400" height="300"', html)  # 4 x 3 inches at 100 dpi
    assert png, html
    published = (root / "output" / "issues" / "figures" / png["src"]).resolve()
    assert published.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert re.search(r'<img src="[^"]+/fig-1\.svg" alt="Every point as SVG"', html)
    cached = sorted(path.name for path in (root / "_demo_cache").glob("*/fig-1.*"))
    assert cached == ["fig-1.png", "fig-1.svg"]
    feed = feedparser.parse((root / "output" / "feeds" / "all.atom.xml").read_text())
    content = feed.entries[0].content[0].value
    assert re.search(r'src="http://localhost:8000/demos/scatter-[0-9a-f]{16}/fig-1\.png"', content), content
