"""A rebuild redoes only what changed: the search index is kept when no issue changed,
and built again when one did."""

from __future__ import annotations

from tests.helpers import build_site, log_of, write_site

POSTS = {
    "issues/a.md": "Title: Heat pumps\nDate: 2026-01-01\n\nWaste heat from a rack warms a pool.\n",
    "issues/b.md": "Title: Batteries\nDate: 2026-02-01\n\nStored sunlight runs the night shift.\n",
}
SETTINGS = {"ARTICLE_PATHS": ["issues"]}


def test_the_search_index_is_kept_until_an_issue_changes(tmp_path):
    content = write_site(tmp_path, POSTS)
    output = tmp_path / "out"
    assert (result := build_site(output, content, extra=SETTINGS)).returncode == 0, log_of(result)
    entry = output / "pagefind" / "pagefind-entry.json"
    first = entry.stat().st_mtime_ns, entry.read_bytes()

    assert (result := build_site(output, content, extra=SETTINGS)).returncode == 0, log_of(result)
    assert (entry.stat().st_mtime_ns, entry.read_bytes()) == first  # Pagefind did not run again

    (content / "issues" / "b.md").write_text(POSTS["issues/b.md"] + "\nFlywheels too.\n", "utf-8")
    assert (result := build_site(output, content, extra=SETTINGS)).returncode == 0, log_of(result)
    assert entry.read_bytes() != first[1]  # a new index, with the new text
    second = entry.stat().st_mtime_ns, entry.read_bytes()

    # The footprint finished the edited pages after Pagefind indexed them; that is no change.
    assert (result := build_site(output, content, extra=SETTINGS)).returncode == 0, log_of(result)
    assert (entry.stat().st_mtime_ns, entry.read_bytes()) == second

    (output / "pagefind" / "pagefind.js").unlink()  # a damaged index is built again
    assert (result := build_site(output, content, extra=SETTINGS)).returncode == 0, log_of(result)
    assert (output / "pagefind" / "pagefind.js").is_file()
