"""`make email` on small sites: one issue only, unknown issues, the HTML budget."""

from __future__ import annotations

import json
import os
import shutil
from email import policy
from email.parser import BytesParser

from bs4 import BeautifulSoup
from plugin_core.units import format_bytes

from tests.email.conftest import SITEURL
from tests.helpers import PROJECT, build_site, log_of, write_site

POST = """\
    Title: {title}
    Date: 2026-0{month}-01 08:00
    Slug: {slug}

    A short issue with [a link](https://example.net/) and an image of nothing.
    """


def build_emails(output, content, extra=None, **options):
    """A build that writes the emails, as `make email` does (pelicanconf.py builds none)."""
    return build_site(output, content, extra={"EMAIL_BUILD": True, **(extra or {})}, **options)


def small_site(root, extra_words: int = 0):
    posts = {f"issues/{slug}.md": POST.format(title=slug.title(), month=n + 1, slug=slug)
             for n, slug in enumerate(["first", "second"])}
    if extra_words:
        posts["issues/big.md"] = POST.format(title="Big", month=3, slug="big") + "\n    " + " ".join(
            f"word{n}" for n in range(extra_words)) + "\n"
    return write_site(root, posts)


def test_issue_selects_one_email_and_the_footprint_keeps_all(tmp_path):
    content = small_site(tmp_path)
    result = build_emails(tmp_path / "out", content, extra={"EMAIL_ISSUE": "second"},
                          env={"SITEURL": SITEURL})
    assert result.returncode == 0, log_of(result)
    assert [path.name for path in (tmp_path / "out" / "email").iterdir()] == ["second.eml"]
    report = json.loads((tmp_path / "out" / "footprint.json").read_text())
    assert [row["page_url"] for row in report["emails"]] == ["issues/first/", "issues/second/"]


def test_unknown_issue_is_a_clear_error(tmp_path):
    content = small_site(tmp_path)
    result = build_emails(tmp_path / "out", content, extra={"EMAIL_ISSUE": "thrid"},
                          env={"SITEURL": SITEURL})
    assert result.returncode == 1
    assert "no published issue has the slug 'thrid'" in log_of(result)
    assert "first, second" in log_of(result) and "Traceback" not in log_of(result)


def test_html_part_over_budget_fails_the_build_naming_the_post(tmp_path):
    content = small_site(tmp_path, extra_words=2_000)
    result = build_emails(tmp_path / "out", content, extra={"EMAIL_HTML_BUDGET_BYTES": 10_000},
                          env={"SITEURL": SITEURL})
    assert result.returncode == 1
    log = " ".join(log_of(result).split())
    assert "big.md:1: the email's HTML part is" in log and "over EMAIL_HTML_BUDGET_BYTES" in log


def emails_of(output):
    return {path.name: (path.stat().st_mtime_ns, path.read_bytes()) for path in (output / "email").iterdir()}


def states_its_own_size(eml: bytes) -> bool:
    """The footer of `eml` says how big `eml` is, in both parts, as a reader sees them."""
    message = BytesParser(policy=policy.default).parsebytes(eml)
    shown = []
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            shown.append(part.get_content())
        elif part.get_content_type() == "text/html":
            shown.append(BeautifulSoup(part.get_content(), "html.parser").get_text())
    sentence = " ".join(f"This email is {format_bytes(len(eml))}".split())  # split() takes the nbsp too
    return len(shown) == 2 and all(sentence in " ".join(text.split()) for text in shown)


def test_a_rebuild_builds_only_the_emails_that_changed(tmp_path):
    content, output = small_site(tmp_path), tmp_path / "out"
    first = build_emails(output, content, env={"SITEURL": SITEURL})
    assert first.returncode == 0, log_of(first)
    before, report = emails_of(output), (output / "footprint.json").read_text()

    footers = list((tmp_path / ".cache" / "email_edition").glob("footers-*.json"))
    assert len(footers) == 1 and len(footers[0].read_text().splitlines()) == 3  # a header, 2 issues
    os.utime(footers[0], ns=(0, 0))
    again = build_emails(output, content, env={"SITEURL": SITEURL})
    assert again.returncode == 0, log_of(again)
    assert "2 unchanged email(s) kept, 0 built" in log_of(again)
    assert footers[0].stat().st_mtime_ns == 0  # a build that builds no email leaves it alone
    assert emails_of(output) == before  # not written again
    assert json.loads((output / "footprint.json").read_text())["emails"] == json.loads(report)["emails"]

    post = content / "issues" / "second.md"
    post.write_text(post.read_text() + "\nOne more sentence about heat pumps.\n")
    edited = build_emails(output, content, env={"SITEURL": SITEURL})
    assert edited.returncode == 0, log_of(edited)
    assert "1 unchanged email(s) kept, 1 built" in log_of(edited)
    after = emails_of(output)
    assert after["first.eml"] == before["first.eml"] and b"heat pumps" in after["second.eml"][1]
    # The edited email starts from the footer it stated before, and still states its own size,
    # whether the edit kept that size's rounding or not.
    assert states_its_own_size(after["second.eml"][1])
    post.write_text(post.read_text() + "\nWaste heat warms the pool next door. " * 40 + "\n")
    assert (longer := build_emails(output, content, env={"SITEURL": SITEURL})).returncode == 0, log_of(longer)
    assert states_its_own_size(emails_of(output)["second.eml"][1])

    (output / "email" / "first.eml").write_bytes(b"damaged")  # an output that changed is rebuilt
    for memo in (tmp_path / ".cache" / "email_edition").glob("editions-*.json"):
        memo.write_text("{not json")  # and a corrupt cache is only a slower build
    repaired = build_emails(output, content, env={"SITEURL": SITEURL})
    assert repaired.returncode == 0, log_of(repaired)
    assert "Traceback" not in log_of(repaired)
    rebuilt = emails_of(output)["first.eml"][1]
    assert rebuilt != b"damaged" and b"Subject: Issue 1: First" in rebuilt


def test_an_error_is_reported_on_every_build_not_kept(tmp_path):
    content = small_site(tmp_path, extra_words=2_000)
    for _ in range(2):
        result = build_emails(tmp_path / "out", content, extra={"EMAIL_HTML_BUDGET_BYTES": 10_000},
                              env={"SITEURL": SITEURL})
        assert result.returncode == 1
        assert "over EMAIL_HTML_BUDGET_BYTES" in " ".join(log_of(result).split())


def test_an_edited_issue_rebuilds_its_email_but_not_its_figures(tmp_path):
    """The demo figures are copied to the output only when they changed, so their PNG copies
    for the email (rendered from the SVG when it is newer) are not rendered again."""
    shutil.copytree(PROJECT / "content", tmp_path / "content")
    shutil.copytree(PROJECT / "_demo_cache", tmp_path / "_demo_cache")
    output = tmp_path / "out"
    extra = {"DEMOS_CACHE_PATH": str(tmp_path / "_demo_cache"), "DEMOS_ROOT": str(PROJECT)}
    first = build_emails(output, tmp_path / "content", extra=extra, env={"SITEURL": SITEURL})
    assert first.returncode == 0, log_of(first)
    figures = {path: path.stat().st_mtime_ns for path in (output / "demos").rglob("fig-*.*")}
    assert {path.suffix for path in figures} == {".svg", ".png"}

    for post in (tmp_path / "content" / "issues").glob("*.md"):
        post.write_text(post.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    again = build_emails(output, tmp_path / "content", extra=extra, env={"SITEURL": SITEURL})
    assert again.returncode == 0, log_of(again)
    assert "unchanged email(s) kept" not in log_of(again)  # every issue changed: every email built
    assert {path: path.stat().st_mtime_ns for path in figures} == figures


def test_a_build_while_writing_builds_no_email_and_says_how_to(tmp_path):
    content = small_site(tmp_path)
    result = build_site(tmp_path / "out", content)  # pelicanconf.py: EMAIL_BUILD = False
    assert result.returncode == 0, log_of(result)
    assert not (tmp_path / "out" / "email").exists()
    assert "no email built (EMAIL_BUILD = False" in log_of(result) and "make email" in log_of(result)
    assert json.loads((tmp_path / "out" / "footprint.json").read_text())["emails"] == []
    assert 'id="email"' not in (tmp_path / "out" / "footprint" / "index.html").read_text()
    assert not (content.parent / ".cache" / "email_edition").exists()  # nothing built, nothing kept


def test_make_email_and_make_publish_build_the_emails():
    from pelican.settings import read_settings

    published = read_settings(str(PROJECT / "publishconf.py"))
    assert published["EMAIL_BUILD"] is True
    assert read_settings(str(PROJECT / "pelicanconf.py"))["EMAIL_BUILD"] is False


def test_email_build_must_be_true_or_false(tmp_path):
    result = build_site(tmp_path / "out", small_site(tmp_path), extra={"EMAIL_BUILD": "yes"},
                        env={"SITEURL": SITEURL})
    assert result.returncode != 0
    assert "EMAIL_BUILD" in log_of(result) and "Traceback" not in log_of(result)
    assert not (tmp_path / "out" / "email").exists()
