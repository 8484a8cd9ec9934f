"""`python -m pelican.plugins.email_edition send --issue SLUG [--confirm]`: `make send-email`.

Without --confirm it is a dry run: it reads everything, checks everything it
can without connecting, and prints what would be sent. Every error is one
sentence on stderr and exit status 1; never a traceback for a mistake in
the list, the settings or the environment.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from plugin_core.units import format_bytes

from .message import parse
from .sending import plan, send_all
from .settings import EmailSettingsError, read_settings
from .smtp import Connection, SmtpSettingsError, SmtpUnavailableError, config_from_env
from .subscribers import SubscriberListError, read_subscribers

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}
SHOWN_IN_DRY_RUN = 20


class CommandError(Exception):
    """Stops the command with a message for the author."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pelican.plugins.email_edition",
                                     description="Send an issue's email to the subscriber list.")
    commands = parser.add_subparsers(dest="command", required=True)
    send = commands.add_parser("send", help="send output/email/<issue>.eml to every subscriber")
    send.add_argument("--issue", default="", help="the issue's slug")
    send.add_argument("--settings", default="publishconf.py", help="Pelican settings file")
    send.add_argument("--output", default="output", help="the built site (holds email/)")
    send.add_argument("--confirm", action="store_true", help="really send (default: a dry run)")
    send.add_argument("--subscribers", help="CSV list (default: the EMAIL_SUBSCRIBERS setting)")
    send.add_argument("--log-dir", help="send logs (default: the EMAIL_SEND_LOG_PATH setting)")
    send.add_argument("--per-minute", type=float, help="rate (default: EMAIL_MESSAGES_PER_MINUTE)")
    send.add_argument("--retry-delay", type=float, help="seconds (default: EMAIL_RETRY_DELAY)")
    args = parser.parse_args(argv)
    try:
        return _send(args)
    except (CommandError, EmailSettingsError, SubscriberListError, SmtpSettingsError,
            SmtpUnavailableError, ValueError) as error:
        print(f"send-email: {error}", file=sys.stderr)
        return 1


def _send(args: argparse.Namespace) -> int:
    settings_file = Path(args.settings)
    pelican_settings = _pelican_settings(settings_file)
    overrides = {"EMAIL_MESSAGES_PER_MINUTE": args.per_minute, "EMAIL_RETRY_DELAY": args.retry_delay}
    pelican_settings.update({key: value for key, value in overrides.items() if value is not None})
    settings = read_settings(pelican_settings)
    root = settings_file.resolve().parent
    output = Path(args.output)
    if not args.issue:
        raise CommandError(f"say which issue to send: ISSUE=<slug> (built: {_built(output, settings)})")
    eml = output / settings.save_as.format(slug=args.issue)
    if not eml.is_file():
        raise CommandError(f"{eml} does not exist: build it first with `make email ISSUE={args.issue}` "
                           f"(built: {_built(output, settings)})")
    data = eml.read_bytes()
    message = parse(data)
    archived = str(message.get("Archived-At", "")).strip("<> ")
    if urlsplit(archived).hostname in LOCAL_HOSTS:
        raise CommandError(f"{eml} links to {archived}, a local address: build the email for the "
                           f"published site with `make email ISSUE={args.issue}` "
                           f"(the SITEURL of {settings_file})")
    subscribers_path = root / (args.subscribers or settings.subscribers)
    subscribers, skipped = read_subscribers(subscribers_path)
    for row in skipped:
        print(f"send-email: {row}", file=sys.stderr)
    log_path = root / (args.log_dir or settings.send_log_path) / f"{args.issue}.jsonl"
    todo = plan(subscribers, log_path)
    print(f"Issue: {message['Subject']} ({eml}, {format_bytes(len(data))})".replace("\u00a0", " "))
    print(f"List: {subscribers_path}: {len(subscribers)} addresses, {len(skipped)} skipped; "
          f"log: {log_path}")
    if todo.already_sent:
        print(f"Already sent (log): {len(todo.already_sent)}")
    if todo.uncertain:
        print(f"Not sent again: {len(todo.uncertain)} address(es) whose sending was interrupted; "
              "the server may have delivered them (see the log): "
              + ", ".join(s.email for s in todo.uncertain))
    if not settings.unsubscribe_url:
        print("Note: no EMAIL_UNSUBSCRIBE_URL: the List-Unsubscribe header has a mailto only; Gmail and "
              "Yahoo ask bulk senders for one-click unsubscribe (RFC 8058)")
    if not args.confirm:
        return _dry_run(todo.to_send, settings.messages_per_minute)
    config = config_from_env(os.environ)
    print(f"Sending to {len(todo.to_send)} via {config.describe()}, "
          f"{settings.messages_per_minute:g} per minute")
    outcome = send_all(data, todo.to_send, settings, Connection(config), log_path)
    print(f"Done: {len(outcome.sent)} sent, {len(outcome.failed)} failed, "
          f"{len(todo.already_sent)} sent before, {len(skipped)} skipped in the list.")
    for email, error in outcome.failed:
        print(f"send-email: failed: {email}: {error} (run again to retry)", file=sys.stderr)
    return 1 if outcome.failed else 0


def _dry_run(to_send: list, per_minute: float) -> int:
    print(f"Dry run: would send to {len(to_send)} address(es), about "
          f"{len(to_send) / per_minute:.1f} minutes at {per_minute:g} per minute:")
    for subscriber in to_send[:SHOWN_IN_DRY_RUN]:
        print(f"  {subscriber.email}")
    if len(to_send) > SHOWN_IN_DRY_RUN:
        print(f"  ... and {len(to_send) - SHOWN_IN_DRY_RUN} more")
    try:
        print(f"Server: {config_from_env(os.environ).describe()}")
    except SmtpSettingsError as error:
        print(f"Server: not ready: {error}")
    print("Nothing was sent. Send for real with CONFIRM=yes.")
    return 0


def _pelican_settings(path: Path) -> dict:
    if not path.is_file():
        raise CommandError(f"{path}: no such settings file")
    from pelican.settings import read_settings as read_pelican_settings

    root = str(path.resolve().parent)
    if root not in sys.path:  # publishconf.py imports pelicanconf.py from beside it
        sys.path.insert(0, root)
    return dict(read_pelican_settings(str(path)))


def _built(output: Path, settings) -> str:
    folder = output / Path(settings.save_as.format(slug="x")).parent
    names = sorted(path.stem for path in folder.glob("*.eml"))
    return ", ".join(names) or "none"
