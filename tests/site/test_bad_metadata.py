"""Posts Pelican cannot use (bad date, not UTF-8, empty, no title, unreadable...): content errors.

Pelican skips such a post with one log line and exits 0, so a post could vanish
from the site unnoticed. Each is now reported with the file, the line where
known, and the fix; every other post still builds; the build fails, and with
NEWSLETTER_ON_ERROR=warn it only warns.
"""

from __future__ import annotations

import pytest

from tests.helpers import build_site, log_of, write_site

POSTS = {
    "issues/good.md": "Title: Still here\nDate: 2024-01-01\n\nThe good post.\n",
    "issues/bad-date.md": "Title: Bad date\nTags: x\nDate: 2024-13-45\n\nBody.\n",
    "issues/no-title.md": "Date: 2024-01-03\n\nNo title here.\n",
    "issues/no-date.md": "Title: No date\n\nWhen?\n",
    "issues/bad-status.md": "Title: Typo\nDate: 2024-01-04\nStatus: publishd\n\nBody.\n",
    "pages/no-title.md": "A page without a title.\n",
}
EXPECTED = {
    "content/issues/bad-date.md:3: 'Date: 2024-13-45' is not a valid date; write it as 'Date: 2024-05-01'",
    "content/issues/latin1.md:4: the file is not UTF-8 text (byte 0xe9 on this line); save it as UTF-8",
    "content/issues/empty.md:1: the file is empty; a post starts with lines such as 'Title: Tiny models'",
    "content/issues/no-title.md:1: the post has no title; add a line 'Title: Tiny models'",
    "content/issues/no-date.md:1: the post has no date; add a line 'Date: 2024-05-01'",
    "content/issues/bad-status.md:3: unknown status 'publishd'; use one of published, hidden, draft, skip",
    "content/pages/no-title.md:1: the post has no title",
    "content/issues/moved.md: Pelican could not read the file (FileNotFoundError: [Errno 2]",
}


def bad_site(root):
    content = write_site(root, POSTS)
    (content / "issues" / "latin1.md").write_bytes(b"Title: Cafe\nDate: 2024-01-02\n\nCaf\xe9 au lait.\n")
    (content / "issues" / "empty.md").write_bytes(b"")
    (content / "issues" / "moved.md").symlink_to(root / "elsewhere.md")  # a link left dangling
    return content


@pytest.fixture(scope="module")
def failed_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad_metadata")
    bad_site(root)
    result = build_site(root / "output", root / "content", cwd=root)
    return root, result, " ".join(log_of(result).split())  # joined: rich wraps long lines


def test_each_bad_post_is_a_content_error_with_file_line_and_fix(failed_build):
    root, result, log = failed_build
    assert result.returncode == 1, log
    for expected in EXPECTED:
        assert expected in log, expected
    assert "8 content error(s); the build failed" in log
    assert "Traceback" not in log


def test_pelicans_own_line_is_not_repeated(failed_build):
    _, _, log = failed_build
    assert "Could not process" not in log
    assert "could not find information about" not in log
    assert "Unknown status" not in log


def test_every_other_post_still_builds(failed_build):
    root, _, _ = failed_build
    assert "The good post." in (root / "output" / "issues" / "still-here" / "index.html").read_text()
    assert sorted(path.name for path in (root / "output" / "issues").iterdir()) == ["still-here"]


def test_warn_mode_reports_and_keeps_going(tmp_path):
    bad_site(tmp_path)
    warn = {"NEWSLETTER_ON_ERROR": "warn"}
    result = build_site(tmp_path / "output", tmp_path / "content", cwd=tmp_path, env=warn)
    log = " ".join(log_of(result).split())
    assert result.returncode == 0, log
    assert "8 content error(s) embedded as error boxes" in log
    assert "content/issues/empty.md:1: the file is empty" in log
    assert (tmp_path / "output" / "issues" / "still-here" / "index.html").exists()
