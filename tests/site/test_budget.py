"""Deterministic budgets: an article page without a widget is small and loads no script."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

ARTICLE_BUDGET_BYTES = 20 * 1024
STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)"')


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def stylesheets(page: Path) -> list[Path]:
    html = page.read_text(encoding="utf-8")
    return [(page.parent / href).resolve() for href in STYLESHEET.findall(html)]


def test_article_pages_without_widgets_fit_the_budget(sample_site):
    checked = 0
    for page in sorted((sample_site / "issues").glob("*/index.html")):
        html = page.read_text(encoding="utf-8")
        if 'class="pw-widget' in html:
            continue
        assert "<script" not in html, page
        css = stylesheets(page)
        assert css and all(path.is_file() for path in css), page
        total = gzip_size(page.read_bytes()) + sum(gzip_size(path.read_bytes()) for path in css)
        assert total <= ARTICLE_BUDGET_BYTES, f"{page}: {total} bytes gzip (budget {ARTICLE_BUDGET_BYTES})"
        checked += 1
    assert checked >= 3
