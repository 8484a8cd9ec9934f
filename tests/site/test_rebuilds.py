"""A rebuild redoes only what changed: the search index is kept when no issue changed,
and built again when one did; in a development build, the full index is kept while
few pages change: new issues are indexed on their own, and a search marks the results
of issues edited since they were indexed."""

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


def test_while_writing_a_new_issue_is_indexed_on_its_own_and_an_edited_one_is_named(tmp_path):
    content = write_site(tmp_path, MORE_POSTS)
    output = tmp_path / "out"
    bundle = output / "pagefind"
    assert (result := build_site(output, content, extra=SETTINGS)).returncode == 0, log_of(result)
    full = (bundle / "pagefind-entry.json").stat().st_mtime_ns
    record = recent_record(output)
    assert record["index"] is None and record["urls"] == [] and record["edited"] == []
    assert "data-recent-pages" in (output / "search" / "index.html").read_text("utf-8")

    # An edit: Pagefind does not run; the page is named as searched as it was indexed.
    (content / "issues" / "b.md").write_text(POSTS["issues/b.md"] + "\nFlywheels too.\n", "utf-8")
    assert (result := build_site(output, content, extra=SETTINGS)).returncode == 0, log_of(result)
    assert (bundle / "pagefind-entry.json").stat().st_mtime_ns == full  # the full index is kept
    record = recent_record(output)
    assert record["index"] is None and record["urls"] == [] and record["edited"] == ["issues/batteries/"]
    assert not (bundle / "recent").exists()

    # A new issue is indexed on its own, once: editing it again names it as edited.
    new_issue = "Title: Compressed air\nDate: 2026-05-01\n\nCaverns store air for windless days.\n"
    (content / "issues" / "e.md").write_text(new_issue, "utf-8")
    assert (result := build_site(output, content, extra=SETTINGS)).returncode == 0, log_of(result)
    assert (bundle / "pagefind-entry.json").stat().st_mtime_ns == full
    record = recent_record(output)
    assert record["index"] == "recent/" and "issues/compressed-air/" in record["urls"], record
    assert "issues/batteries/" in record["edited"] and "issues/compressed-air/" not in record["edited"]
    recent_entry = json.loads((bundle / "recent" / "pagefind-entry.json").read_text("utf-8"))
    assert recent_entry["languages"]["en"]["page_count"] == 1
    recent_built = (bundle / "recent" / "pagefind-entry.json").stat().st_mtime_ns

    assert (result := build_site(output, content, extra=SETTINGS)).returncode == 0, log_of(result)
    assert (bundle / "recent" / "pagefind-entry.json").stat().st_mtime_ns == recent_built  # nothing changed

    (content / "issues" / "e.md").write_text(new_issue + "\nSalt caverns, mostly.\n", "utf-8")
    assert (result := build_site(output, content, extra=SETTINGS)).returncode == 0, log_of(result)
    assert (bundle / "recent" / "pagefind-entry.json").stat().st_mtime_ns == recent_built  # not again
    assert "issues/compressed-air/" in recent_record(output)["edited"]

    (content / "issues" / "b.md").write_text(POSTS["issues/b.md"], "utf-8")  # the edit undone
    assert (result := build_site(output, content, extra=SETTINGS)).returncode == 0, log_of(result)
    assert "issues/batteries/" not in recent_record(output)["edited"]
    assert (bundle / "recent" / "pagefind-entry.json").stat().st_mtime_ns == recent_built
    assert (bundle / "pagefind-entry.json").stat().st_mtime_ns == full

    (content / "issues" / "b.md").write_text(POSTS["issues/b.md"] + "\nFlywheels too.\n", "utf-8")
    # More changed pages than READER_SEARCH_RECENT_PAGES (the new issue and the edited
    # one): the full index is built again, with every page as it is now.
    one_page = {**SETTINGS, "READER_SEARCH_RECENT_PAGES": 1}
    assert (result := build_site(output, content, extra=one_page)).returncode == 0, log_of(result)
    assert (bundle / "pagefind-entry.json").stat().st_mtime_ns != full
    assert recent_record(output) == {**recent_record(output), "index": None, "urls": [], "edited": []}
    assert not (bundle / "recent").exists()


def test_a_search_while_writing_finds_a_new_issue_and_marks_an_edited_one(tmp_path, page):
    content = write_site(tmp_path, MORE_POSTS)
    output = tmp_path / "out"
    assert (result := build_site(output, content, extra=SETTINGS)).returncode == 0, log_of(result)
    edited = POSTS["issues/b.md"].replace("night shift", "evening peak") + "\nSodium cells, too.\n"
    (content / "issues" / "b.md").write_text(edited, "utf-8")
    (content / "issues" / "e.md").write_text(
        "Title: Compressed air\nDate: 2026-05-01\n\nCaverns store air for windless days.\n", "utf-8")
    assert (result := build_site(output, content, extra=SETTINGS)).returncode == 0, log_of(result)
    assert recent_record(output)["index"] == "recent/"

    def found(word: str) -> dict[str, str]:
        """Each result's link, and the note beside it (empty if none)."""
        page.goto(f"{url}search/?q={word}")
        page.wait_for_function("!document.getElementById('search-status').textContent.startsWith('Search')")
        return dict(page.locator("#search-results li").evaluate_all(
            "items => items.map(li => [li.querySelector('a').getAttribute('href'),"
            " li.querySelector('.search-edited')?.textContent || ''])"))

    with serve(output) as url:
        caverns = found("Caverns")  # only in the new issue
        assert [href for href in caverns if "compressed-air" in href] != [], caverns
        assert all(note == "" for note in caverns.values())
        shift = found("shift")  # the edited issue is found by its text as indexed, and says so
        assert [href for href in shift if "batteries" in href] != [], shift
        assert all("edited since the search index was built" in note for href, note in shift.items()
                   if "batteries" in href)
        assert [href for href in found("Sodium") if "batteries" in href] == []  # its new text: not yet
        waste = found("Waste")  # the full index still answers, with no note
        assert [href for href in waste if "heat-pumps" in href] != [] and set(waste.values()) == {""}
    assert page.console_errors == []

    # As `make publish` builds: one full index, and the edited issue is found as it is now.
    assert (result := build_site(output, content, extra=FULL_ONLY)).returncode == 0, log_of(result)
    with serve(output) as url:
        assert [href for href in found("Sodium") if "batteries" in href] != []
        assert [href for href in found("shift") if "batteries" in href] == []
