"""A rebuild redoes only what changed: the search index is kept when no issue changed,
and built again when one did; in a development build, the changed issues are indexed
on their own and a search finds them as they are now."""

from __future__ import annotations

import json

from tests.helpers import build_site, log_of, serve, write_site

POSTS = {
    "issues/a.md": "Title: Heat pumps\nDate: 2026-01-01\n\nWaste heat from a rack warms a pool.\n",
    "issues/b.md": "Title: Batteries\nDate: 2026-02-01\n\nStored sunlight runs the night shift.\n",
}
MORE_POSTS = {
    **POSTS,
    "issues/c.md": "Title: Flywheels\nDate: 2026-03-01\n\nA spinning mass keeps the lights on.\n",
    "issues/d.md": "Title: Pumped hydro\nDate: 2026-04-01\n\nWater goes uphill at noon.\n",
}
SETTINGS = {"ARTICLE_PATHS": ["issues"]}
FULL_ONLY = {**SETTINGS, "READER_SEARCH_RECENT_PAGES": 0}  # as `make publish` builds


def test_the_search_index_is_kept_until_an_issue_changes(tmp_path):
    content = write_site(tmp_path, POSTS)
    output = tmp_path / "out"
    assert (result := build_site(output, content, extra=FULL_ONLY)).returncode == 0, log_of(result)
    entry = output / "pagefind" / "pagefind-entry.json"
    first = entry.stat().st_mtime_ns, entry.read_bytes()

    assert (result := build_site(output, content, extra=FULL_ONLY)).returncode == 0, log_of(result)
    assert (entry.stat().st_mtime_ns, entry.read_bytes()) == first  # Pagefind did not run again

    (content / "issues" / "b.md").write_text(POSTS["issues/b.md"] + "\nFlywheels too.\n", "utf-8")
    assert (result := build_site(output, content, extra=FULL_ONLY)).returncode == 0, log_of(result)
    assert entry.read_bytes() != first[1]  # a new index, with the new text
    second = entry.stat().st_mtime_ns, entry.read_bytes()
    assert not [path for path in (output / "pagefind").iterdir() if path.name.startswith("recent")]
    assert "data-recent-pages" not in (output / "search" / "index.html").read_text("utf-8")  # none fetched

    # The footprint finished the edited pages after Pagefind indexed them; that is no change.
    assert (result := build_site(output, content, extra=FULL_ONLY)).returncode == 0, log_of(result)
    assert (entry.stat().st_mtime_ns, entry.read_bytes()) == second

    (output / "pagefind" / "pagefind.js").unlink()  # a damaged index is built again
    assert (result := build_site(output, content, extra=FULL_ONLY)).returncode == 0, log_of(result)
    assert (output / "pagefind" / "pagefind.js").is_file()


def recent_record(output) -> dict:
    return json.loads((output / "pagefind" / "recent.json").read_text("utf-8"))


def test_an_edited_issue_is_indexed_on_its_own_until_the_full_index_is_built(tmp_path):
    content = write_site(tmp_path, MORE_POSTS)
    output = tmp_path / "out"
    bundle = output / "pagefind"
    assert (result := build_site(output, content, extra=SETTINGS)).returncode == 0, log_of(result)
    full = (bundle / "pagefind-entry.json").stat().st_mtime_ns
    assert recent_record(output)["index"] is None and recent_record(output)["urls"] == []
    assert "data-recent-pages" in (output / "search" / "index.html").read_text("utf-8")

    (content / "issues" / "b.md").write_text(POSTS["issues/b.md"] + "\nFlywheels too.\n", "utf-8")
    assert (result := build_site(output, content, extra=SETTINGS)).returncode == 0, log_of(result)
    assert (bundle / "pagefind-entry.json").stat().st_mtime_ns == full  # the full index is kept
    record = recent_record(output)
    assert record["index"] == "recent/" and record["urls"] == ["issues/batteries/"]
    recent_entry = json.loads((bundle / "recent" / "pagefind-entry.json").read_text("utf-8"))
    assert recent_entry["languages"]["en"]["page_count"] == 1
    recent_built = (bundle / "recent" / "pagefind-entry.json").stat().st_mtime_ns

    assert (result := build_site(output, content, extra=SETTINGS)).returncode == 0, log_of(result)
    assert (bundle / "recent" / "pagefind-entry.json").stat().st_mtime_ns == recent_built  # kept too

    (content / "issues" / "b.md").write_text(POSTS["issues/b.md"], "utf-8")  # the edit undone
    assert (result := build_site(output, content, extra=SETTINGS)).returncode == 0, log_of(result)
    assert recent_record(output)["index"] is None and not (bundle / "recent").exists()

    (content / "issues" / "d.md").unlink()  # the latest issue: no other issue's number changes
    assert (result := build_site(output, content, extra=SETTINGS)).returncode == 0, log_of(result)
    record = recent_record(output)
    assert "issues/pumped-hydro/" in record["urls"], record  # its results from the full index are dropped
    assert (bundle / "pagefind-entry.json").stat().st_mtime_ns == full

    # More changed pages than READER_SEARCH_RECENT_PAGES: the full index is built again.
    one_page = {**SETTINGS, "READER_SEARCH_RECENT_PAGES": 1}
    assert (result := build_site(output, content, extra=one_page)).returncode == 0, log_of(result)
    assert (bundle / "pagefind-entry.json").stat().st_mtime_ns != full
    assert recent_record(output) == {**recent_record(output), "index": None, "urls": []}
    assert not (bundle / "recent").exists()


def test_a_search_finds_the_edited_issue_as_it_is_now(tmp_path, page):
    content = write_site(tmp_path, MORE_POSTS)
    output = tmp_path / "out"
    assert (result := build_site(output, content, extra=SETTINGS)).returncode == 0, log_of(result)
    edited = POSTS["issues/b.md"].replace("night shift", "evening peak") + "\nSodium cells, too.\n"
    (content / "issues" / "b.md").write_text(edited, "utf-8")
    assert (result := build_site(output, content, extra=SETTINGS)).returncode == 0, log_of(result)
    assert recent_record(output)["index"] == "recent/"

    def found(word: str) -> list[str]:
        page.goto(f"{url}search/?q={word}")
        page.wait_for_function("!document.getElementById('search-status').textContent.startsWith('Search')")
        links = page.locator("#search-results a")
        return links.evaluate_all("links => links.map(a => a.getAttribute('href'))")

    with serve(output) as url:
        assert [href for href in found("Sodium") if "batteries" in href] != []  # only in the new text
        assert found("shift") == []  # only in the old text
        assert len([href for href in found("Stored") if "batteries" in href]) == 1  # in both: found once
        assert [href for href in found("Waste") if "heat-pumps" in href] != []  # the full index still answers
    assert page.console_errors == []
