"""`python -m pelican.plugins.email_edition send` against a real aiosmtpd server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.email.conftest import SITEURL
from tests.helpers import PROJECT, build_site, log_of, write_site

ISSUE = "small-models"


def write_list(path: Path, addresses: list[str], extra_rows: tuple[str, ...] = ()) -> Path:
    rows = ["email,name", *(f"{address},Reader {n}" for n, address in enumerate(addresses)), *extra_rows]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def command(site: Path, subscribers: Path, log_dir: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "pelican.plugins.email_edition", "send", "--issue", ISSUE,
            "--settings", str(PROJECT / "pelicanconf.py"), "--output", str(site),
            "--subscribers", str(subscribers), "--log-dir", str(log_dir), "--retry-delay", "0.05",
            *extra]


def environment(port: int | None, **more: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("EMAIL_SMTP_")}
    env.update({"SITEURL": SITEURL, "EMAIL_SMTP_STARTTLS": "no",
                **more})
    if port is not None:
        env.update(EMAIL_SMTP_HOST="127.0.0.1", EMAIL_SMTP_PORT=str(port))
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120)


def test_dry_run_sends_nothing_and_says_what_it_would_do(email_build, smtp_server, tmp_path):
    handler, port = smtp_server
    subscribers = write_list(tmp_path / "list.csv", ["a@example.org", "b@example.org"])
    result = run(command(email_build, subscribers, tmp_path / "log"), environment(port))
    assert result.returncode == 0, result.stderr
    assert "Dry run: would send to 2 address(es)" in result.stdout
    assert "a@example.org" in result.stdout and "Nothing was sent" in result.stdout
    assert handler.received == []
    assert not (tmp_path / "log").exists()


def test_one_message_per_recipient_with_unsubscribe_headers(email_build, smtp_server, tmp_path):
    handler, port = smtp_server
    addresses = [f"reader{n}@example.org" for n in range(4)]
    subscribers = write_list(tmp_path / "list.csv", addresses,
                             ("not an address,Typo", "reader1@example.org,Twice"))
    result = run(command(email_build, subscribers, tmp_path / "log", "--confirm", "--per-minute", "6000"),
                 environment(port))
    assert result.returncode == 0, result.stdout + result.stderr
    # The malformed and the repeated rows are reported with their line, and skipped.
    assert f"{subscribers}:6: 'not an address' is not an email address; skipped" in result.stderr
    assert f"{subscribers}:7: reader1@example.org is already on line 3; skipped" in result.stderr
    assert sorted(handler.addresses()) == addresses
    ids = set()
    for item in handler.received:
        assert len(item.recipients) == 1 and item.sender == "letter@lowcarbon-letter.example.org"
        message = item.message
        recipient = item.recipients[0]
        assert message["To"] == recipient
        encoded = recipient.replace("@", "%40")
        assert message["List-Unsubscribe"] == (
            f"<mailto:unsubscribe@lowcarbon-letter.example.org?subject=unsubscribe%20{encoded}>"
        )
        assert message.get_content_type() == "multipart/alternative"
        assert message.get_body(("plain",)).get_content().startswith("LOW-CARBON COMPUTING LETTER")
        ids.add(message["Message-ID"])
    assert len(ids) == len(addresses)
    log = [json.loads(line) for line in (tmp_path / "log" / f"{ISSUE}.jsonl").read_text().splitlines()]
    assert sorted(entry["email"] for entry in log if entry["status"] == "sent") == addresses


def test_the_parts_arrive_as_built(email_build, smtp_server, tmp_path):
    from tests.email.conftest import read_eml

    handler, port = smtp_server
    subscribers = write_list(tmp_path / "list.csv", ["solo@example.org"])
    result = run(command(email_build, subscribers, tmp_path / "log", "--confirm"), environment(port))
    assert result.returncode == 0, result.stderr
    built = read_eml(email_build / "email" / f"{ISSUE}.eml")
    received = handler.received[0].message
    for kind in ("plain", "html"):
        assert received.get_body((kind,)).get_content() == built.get_body((kind,)).get_content()


def test_temporary_failure_is_retried_and_permanent_failure_recorded(email_build, smtp_server, tmp_path):
    handler, port = smtp_server
    handler.refuse_once.add("later@example.org")
    handler.refuse_always.add("gone@example.org")
    addresses = ["ok@example.org", "later@example.org", "gone@example.org"]
    subscribers = write_list(tmp_path / "list.csv", addresses)
    args = command(email_build, subscribers, tmp_path / "log", "--confirm", "--per-minute", "6000")
    result = run(args, environment(port))
    assert result.returncode == 1
    assert "failed: gone@example.org: 550 5.1.1 no such mailbox" in result.stderr
    assert sorted(handler.addresses()) == ["later@example.org", "ok@example.org"]
    entries = [json.loads(line) for line in (tmp_path / "log" / f"{ISSUE}.jsonl").read_text().splitlines()]
    statuses = [(entry["email"], entry["status"]) for entry in entries if entry["status"] != "sending"]
    assert ("later@example.org", "retry") in statuses and ("later@example.org", "sent") in statuses
    assert ("gone@example.org", "failed") in statuses
    # A later run tries the failed address again and no one else.
    handler.refuse_always.clear()
    again = run(args, environment(port))
    assert again.returncode == 0, again.stderr
    assert sorted(handler.addresses()) == ["gone@example.org", "later@example.org", "ok@example.org"]


def test_crash_half_way_then_resume_reaches_everyone_exactly_once(email_build, smtp_server, tmp_path):
    handler, port = smtp_server
    addresses = [f"reader{n:02}@example.org" for n in range(10)]
    subscribers = write_list(tmp_path / "list.csv", addresses)
    args = command(email_build, subscribers, tmp_path / "log", "--confirm", "--per-minute", "300")
    process = subprocess.Popen(args, cwd=PROJECT, env=environment(port), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while len(handler.addresses()) < 4 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)  # a crash: no clean-up, no final log line
    process.communicate(timeout=30)
    first = handler.addresses()
    assert 4 <= len(first) < len(addresses), first
    resumed = run(args[:-2] + ["--per-minute", "6000"], environment(port))
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert f"Already sent (log): {len(first)}" in resumed.stdout or "Not sent again" in resumed.stdout
    received = handler.addresses()
    assert sorted(received) == addresses  # every address, each exactly once
    assert len(received) == len(set(received))


def test_rate_limit_spaces_the_messages(email_build, smtp_server, tmp_path):
    handler, port = smtp_server
    subscribers = write_list(tmp_path / "list.csv", [f"r{n}@example.org" for n in range(4)])
    result = run(command(email_build, subscribers, tmp_path / "log", "--confirm", "--per-minute", "120"),
                 environment(port))
    assert result.returncode == 0, result.stderr
    times = [item.at for item in handler.received]
    gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
    assert len(gaps) == 3 and min(gaps) > 0.4  # 120 per minute: one every 0.5 s


def test_unreachable_server_names_host_and_port(email_build, tmp_path):
    from tests.email.conftest import free_port

    port = free_port()  # nothing listens there
    subscribers = write_list(tmp_path / "list.csv", ["a@example.org"])
    result = run(command(email_build, subscribers, tmp_path / "log", "--confirm"), environment(port))
    assert result.returncode == 1
    assert f"cannot reach the SMTP server 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "log" / f"{ISSUE}.jsonl").exists() or not (
        tmp_path / "log" / f"{ISSUE}.jsonl").read_text()


def test_missing_settings_say_which_variable_to_set(email_build, tmp_path):
    subscribers = write_list(tmp_path / "list.csv", ["a@example.org"])
    args = command(email_build, subscribers, tmp_path / "log", "--confirm")
    result = run(args, environment(None))
    assert result.returncode == 1 and "set EMAIL_SMTP_HOST" in result.stderr
    result = run(args, environment(2525, EMAIL_SMTP_USER="me"))
    assert result.returncode == 1 and "set EMAIL_SMTP_PASSWORD too" in result.stderr
    result = run(args, environment(2525, EMAIL_SMTP_STARTTLS="maybe"))
    assert result.returncode == 1 and "EMAIL_SMTP_STARTTLS must be yes or no" in result.stderr
    missing = run(command(email_build, tmp_path / "none.csv", tmp_path / "log"), environment(2525))
    assert missing.returncode == 1 and "no subscriber list here" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_an_email_built_for_localhost_is_not_sent(sample_site, tmp_path):
    subscribers = write_list(tmp_path / "list.csv", ["a@example.org"])
    # `make html` builds no email: the command says how to build one.
    result = run(command(sample_site, subscribers, tmp_path / "log"), environment(2525))
    assert result.returncode == 1
    assert "does not exist" in result.stderr and "make email ISSUE=small-models" in result.stderr
    # One built anyway with the writing settings links to localhost: refused.
    issue = "Title: Small\nDate: 2026-01-01\nSlug: small-models\n\nWords.\n"
    content = write_site(tmp_path, {"issues/small.md": issue})
    built = build_site(tmp_path / "output", content, extra={"EMAIL_BUILD": True})
    assert built.returncode == 0, log_of(built)
    result = run(command(tmp_path / "output", subscribers, tmp_path / "log"), environment(2525))
    assert result.returncode == 1
    assert "a local address" in result.stderr and "make email ISSUE=small-models" in result.stderr
