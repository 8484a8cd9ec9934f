"""The pieces on their own: plain text, subscriber list, send log, headers, settings."""

from __future__ import annotations

import pytest
from pelican.plugins.email_edition.message import for_recipient, unsubscribe_header
from pelican.plugins.email_edition.sendlog import SendLog, read_log
from pelican.plugins.email_edition.settings import EmailSettingsError, read_settings
from pelican.plugins.email_edition.subscribers import SubscriberListError, read_subscribers
from pelican.plugins.email_edition.text import PlainText

SETTINGS = {"SITENAME": "Letter", "SITEURL": "https://letter.example.org"}


def test_plain_text_lists_links_and_preformatted_blocks():
    html = """<h2>Findings</h2><p>Read <a href="https://a.example/x">the paper</a> and
    <a href="https://a.example/x">again</a>, or <a href="https://b.example/">https://b.example/</a>.<br>
    New line.</p><ul><li>first point</li><li>second <em>point</em><ol><li>nested</li></ol></li></ul>
    <pre>a   b\n1   2</pre><dl><dt>Method</dt><dd>estimate</dd></dl>"""
    writer = PlainText()
    text = writer.render(html)
    assert text.startswith("Findings\n--------\n\n")
    assert "Read the paper [1] and again [1], or https://b.example/.\nNew line." in text
    assert "- first point\n- second point\n  1. nested" in text
    assert "    a   b\n    1   2" in text
    assert "Method: estimate" in text
    assert writer.references() == "[1] https://a.example/x"


def test_plain_text_wraps_at_72_columns():
    text = PlainText().render("<p>" + "word " * 60 + "</p>")
    assert max(len(line) for line in text.splitlines()) <= 72


def test_subscriber_list_reports_lines_and_skips(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("# comment\nemail,name\na@example.org,A\nbad@,B\n\nA@example.org,Again\nc@example.net\n")
    subscribers, skipped = read_subscribers(path)
    assert [s.email for s in subscribers] == ["a@example.org", "c@example.net"]
    assert [str(s) for s in skipped] == [
        f"{path}:4: 'bad@' is not an email address; skipped",
        f"{path}:6: A@example.org is already on line 3; skipped",
    ]


def test_subscriber_list_without_email_column_is_an_error(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("address,name\na@example.org,A\n")
    with pytest.raises(SubscriberListError, match=r"list.csv:1: .*'email'"):
        read_subscribers(path)


def test_send_log_resume_states(tmp_path):
    path = tmp_path / "log.jsonl"
    with SendLog(path) as log:
        log.write("a@example.org", "sending")
        log.write("a@example.org", "sent")
        log.write("b@example.org", "sending")
        log.write("c@example.org", "sending")
        log.write("c@example.org", "failed")
    with open(path, "a") as handle:
        handle.write('{"email": "d@exa')  # a line cut short by a crash
    state = read_log(path)
    assert state.sent == {"a@example.org"}
    assert state.uncertain == {"b@example.org"}
    assert state.failed == {"c@example.org"}
    with SendLog(path) as log:  # appending after the cut line starts a new line
        log.write("d@example.org", "sent")
    assert read_log(path).sent == {"a@example.org", "d@example.org"}


def test_one_click_unsubscribe_when_a_url_is_configured():
    settings = read_settings({**SETTINGS, "EMAIL_UNSUBSCRIBE_URL": "https://letter.example.org/u?e={email}"})
    assert unsubscribe_header(settings, "x+y@example.org") == (
        "<mailto:newsletter@letter.example.org?subject=unsubscribe%20x%2By%40example.org>, "
        "<https://letter.example.org/u?e=x%2By%40example.org>"
    )
    data = (b"From: a@letter.example.org\r\nTo: a@letter.example.org\r\nSubject: s\r\n"
            b"Content-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n")
    message = for_recipient(data, "x+y@example.org", settings)
    assert message["To"] == "x+y@example.org"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.mark.parametrize(("override", "message"), [
    ({"SITEURL": ""}, "needs SITEURL to be the site's absolute address"),
    ({"EMAIL_FROM": "nobody"}, r"EMAIL_FROM = 'nobody' is not valid: expected an address like"),
    ({"EMAIL_UNSUBSCRIBE_URL": "http://x.example/u"}, "expected an https:// URL"),
    ({"EMAIL_MESSAGES_PER_MINUTE": 0}, r"EMAIL_MESSAGES_PER_MINUTE = 0 is not valid: expected a number >= 0"),
])
def test_bad_settings_name_the_setting(override, message):
    with pytest.raises(EmailSettingsError, match=message):
        read_settings({**SETTINGS, **override})
