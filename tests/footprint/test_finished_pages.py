"""A rebuild leaves finished pages alone, and what it leaves is what a fresh build writes.

Pelican renders every page on every build; the footprint's writer does not write
one again when the rendering and the finished file are as last build left them.
These tests build real sites and compare every page with a fresh build's.
"""

from __future__ import annotations

import os
import shutil

from tests.helpers import PROJECT, build_site, log_of, write_site

POSTS = {
    "issues/a.md": "Title: Heat pumps\nDate: 2026-01-01\n\nWaste heat from a rack warms a pool.\n",
    "issues/b.md": "Title: Batteries\nDate: 2026-02-01\n\nStored sunlight runs the night shift.\n",
    "issues/c.md": "Title: Flywheels\nDate: 2026-03-01\n\nA spinning mass holds a minute of power.\n",
}
OWN = ("footprint/index.html",)  # shows this build's own time and energy: new every build


def pages(output):
    return {file.relative_to(output).as_posix(): file for file in output.rglob("*.html")
            if not file.relative_to(output).as_posix().startswith(("pagefind/", "pyodide/"))}


def snapshot(output):
    return {path: (file.stat().st_mtime_ns, file.read_bytes()) for path, file in pages(output).items()}


def site(tmp_path):
    content = write_site(tmp_path, POSTS)
    theme = tmp_path / "theme"
    shutil.copytree(PROJECT / "theme", theme)
    return content, {"ARTICLE_PATHS": ["issues"], "THEME": str(theme),
                     "FOOTPRINT_CACHE_PATH": str(tmp_path / "cache"), "READER_SEARCH": False}


def build(output, content, settings):
    result = build_site(output, content, extra=settings)
    assert result.returncode == 0, log_of(result)
    return result


def same_pages_as_a_fresh_build(tmp_path, output, content, settings):
    fresh = tmp_path / "fresh"
    build(fresh, content, {**settings, "FOOTPRINT_CACHE_PATH": str(tmp_path / "fresh-cache")})
    ours, theirs = pages(output), pages(fresh)
    assert sorted(ours) == sorted(theirs)
    for path in ours:
        if path not in OWN:
            assert ours[path].read_bytes() == theirs[path].read_bytes(), path


def test_a_warm_rebuild_writes_no_finished_page_and_leaves_them_exact(tmp_path):
    content, settings = site(tmp_path)
    output = tmp_path / "out"
    build(output, content, settings)
    first = snapshot(output)
    assert any(b"This page:" in data for _, data in first.values())  # finished: stamped

    build(output, content, settings)
    second = snapshot(output)
    rewritten = [path for path in first if first[path] != second[path]]
    assert rewritten == list(OWN)

    (content / "issues" / "b.md").write_text(POSTS["issues/b.md"] + "\nAnd a second line.\n", "utf-8")
    build(output, content, settings)
    third = snapshot(output)
    assert third["issues/batteries/index.html"] != second["issues/batteries/index.html"]
    assert third["issues/heat-pumps/index.html"] == second["issues/heat-pumps/index.html"]
    same_pages_as_a_fresh_build(tmp_path, output, content, settings)


def test_a_changed_stylesheet_brings_every_finished_page_up_to_date(tmp_path):
    content, settings = site(tmp_path)
    output = tmp_path / "out"
    build(output, content, settings)
    before = snapshot(output)
    stylesheet = tmp_path / "theme" / "static" / "css" / "style.css"
    stylesheet.write_text(stylesheet.read_text("utf-8") + "\n.new-rule { margin: 0 }\n" * 40, "utf-8")

    build(output, content, settings)
    after = snapshot(output)
    assert all(after[path][1] != before[path][1] for path in before)  # each loads the new name
    same_pages_as_a_fresh_build(tmp_path, output, content, settings)


def test_a_page_changed_in_the_output_folder_is_written_again(tmp_path):
    content, settings = site(tmp_path)
    output = tmp_path / "out"
    build(output, content, settings)
    page = output / "issues" / "heat-pumps" / "index.html"
    page.write_bytes(page.read_bytes().replace(b"</body>", b"<p>edited by hand</p></body>"))

    build(output, content, settings)
    assert b"edited by hand" not in page.read_bytes()
    same_pages_as_a_fresh_build(tmp_path, output, content, settings)


def test_a_page_that_cannot_be_brought_up_to_date_fails_the_build_by_name(tmp_path):
    """Changed in place with its size and time kept, then its stylesheet changes: the
    page cannot be taken back to its rendering, and the build says so and how to fix it."""
    content, settings = site(tmp_path)
    output = tmp_path / "out"
    build(output, content, settings)
    page = output / "issues" / "heat-pumps" / "index.html"
    stat = page.stat()
    page.write_bytes(page.read_bytes().replace(b"Waste heat", b"Wasted hot"))
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    stylesheet = tmp_path / "theme" / "static" / "css" / "style.css"
    stylesheet.write_text(stylesheet.read_text("utf-8") + "\n.new-rule { margin: 0 }\n", "utf-8")

    result = build_site(output, content, extra=settings)
    log = log_of(result)
    assert result.returncode != 0
    assert "issues/heat-pumps/index.html" in log and "make clean" in log
    assert "Traceback" not in log

    shutil.rmtree(output)  # what the error says to do
    build(output, content, settings)
    same_pages_as_a_fresh_build(tmp_path, output, content, settings)
