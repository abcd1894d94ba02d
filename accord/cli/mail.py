"""`accord mail`: ingest (MTA pipe), fetch (IMAP), retry and list stored messages.

`accord mail ingest` reads one RFC 5322 message on stdin. Exit 0 only once
the raw message is committed and processed (or quarantined, or recognised as
a duplicate); exit 75 (EX_TEMPFAIL) on a temporary failure (database
unavailable, configuration broken), so that the MTA keeps the message and
tries again. It never prints a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from accord.cli.setup import EX_FAILURE, EX_OK, EX_TEMPFAIL
from accord.cli.setup import django_setup as _setup
from accord.cli.setup import first_line as _first_line

MAX_STDIN = 1024 * 1024 * 1024


def run_ingest(args: argparse.Namespace) -> int:
    problem = _setup()
    if problem is not None:
        print(f"accord mail ingest: {problem}", file=sys.stderr)
        return EX_TEMPFAIL
    logging.getLogger("accord").setLevel(logging.ERROR)
    from accord.intake.oversize import TooLarge, ingest_stream
    from accord.intake.store import Origin

    # Read in chunks: a message over ACCORD_MAIL_MAX_BYTES is never held in memory
    # whole (accord/intake/oversize.py).
    try:
        result = ingest_stream(
            sys.stdin.buffer, Origin("pipe", args.mailbox or "", "", None, None), MAX_STDIN
        )
    except TooLarge:
        print("accord mail ingest: message larger than 1 GiB refused", file=sys.stderr)
        return EX_FAILURE
    except OSError as exc:
        print(f"accord mail ingest: cannot read the message: {exc}", file=sys.stderr)
        return EX_TEMPFAIL
    except Exception as exc:
        print(
            f"accord mail ingest: temporary failure, try again: {_first_line(exc)}", file=sys.stderr
        )
        return EX_TEMPFAIL
    row = result.raw
    if row.state == "pending":  # another process holds it; it is stored and will be processed
        print(f"stored {row.pk} (being processed elsewhere)")
        return EX_OK
    what = "stored" if result.first_delivery else "already stored"
    number = f" -> {row.request.display_number}" if row.request_id and row.request else ""
    detail = f": {row.reason}" if row.reason else ""
    print(f"{what} {row.pk} {row.state}{number}{detail}")
    return EX_OK


def run_fetch(args: argparse.Namespace) -> int:
    problem = _setup()
    if problem is not None:
        print(f"accord: {problem}", file=sys.stderr)
        return EX_FAILURE
    from django.db import DatabaseError

    from accord.intake.models import ImapSource
    from accord.worker.tasks import fetch_due

    try:
        names = set(ImapSource.objects.filter(enabled=True).values_list("name", flat=True))
        if args.source is not None and args.source not in names:
            print(f"accord: source: no enabled IMAP source {args.source!r}", file=sys.stderr)
            return EX_FAILURE
        results = fetch_due(force=True, name=args.source)
    except DatabaseError as exc:
        print(f"accord: database error: {_first_line(exc)}", file=sys.stderr)
        return EX_TEMPFAIL
    ok = True
    for name, result in results:
        print(f"{name}: stored {result.stored}, failed {result.failed}")
        problems = [result.error] if result.error else []
        problems += [f"{f.folder}: {f.error}" for f in result.folders if f.error]
        problems += [f"uid {uid}: {why}" for f in result.folders for uid, why in f.failed.items()]
        for problem in problems:
            print(f"accord mail fetch: {name}: {problem}", file=sys.stderr)
        ok = ok and not problems
    if not results:
        print("no IMAP source to fetch (configure one in the admin), or all are busy")
    return EX_OK if ok else EX_FAILURE


def run_retry(args: argparse.Namespace) -> int:
    problem = _setup()
    if problem is not None:
        print(f"accord: {problem}", file=sys.stderr)
        return EX_FAILURE
    from django.db import DatabaseError

    from accord.intake.models import RawMessage
    from accord.intake.pipeline import retry

    try:
        row = RawMessage.objects.filter(pk=args.id).first()
        if row is None:
            print(f"accord: id: no stored message {args.id}", file=sys.stderr)
            return EX_FAILURE
        if row.state != RawMessage.State.QUARANTINED:
            print(f"accord: id: message {args.id} is {row.state}, not quarantined", file=sys.stderr)
            return EX_FAILURE
        row = retry(row.pk)
    except DatabaseError as exc:
        print(f"accord: database error: {_first_line(exc)}", file=sys.stderr)
        return EX_TEMPFAIL
    number = f" -> {row.request.display_number}" if row.request else ""
    print(f"{row.pk} {row.state}{number}{': ' + row.reason if row.reason else ''}")
    return EX_OK if row.state == RawMessage.State.PROCESSED else EX_FAILURE


def run_list(args: argparse.Namespace) -> int:
    problem = _setup()
    if problem is not None:
        print(f"accord: {problem}", file=sys.stderr)
        return EX_FAILURE
    from django.db import DatabaseError

    from accord.intake.models import RawMessage

    rows = RawMessage.objects.defer("raw").order_by("-id")
    if args.state:
        rows = rows.filter(state=args.state)
    try:
        listed = list(rows[: args.limit])
    except DatabaseError as exc:
        print(f"accord: database error: {_first_line(exc)}", file=sys.stderr)
        return EX_TEMPFAIL
    for row in listed:
        print(
            f"{row.pk}\t{row.state}\t{row.received_at.isoformat()}\t{row.sender}\t{row.subject}\t{row.reason}"
        )
    return EX_OK


def register(sub: Any) -> None:
    mail = sub.add_parser("mail", help="the email channel")
    cmds = mail.add_subparsers(dest="mail_command", required=True, metavar="SUBCOMMAND")
    ingest = cmds.add_parser(
        "ingest", help="read one message on stdin (MTA pipe); exit 75 means try again later"
    )
    ingest.add_argument(
        "--mailbox", help="a name recorded with the message (e.g. the pipe's alias)"
    )
    ingest.set_defaults(handler=run_ingest)
    fetch = cmds.add_parser("fetch", help="poll the configured IMAP sources once")
    fetch.add_argument("--source", help="only this source (its name)")
    fetch.set_defaults(handler=run_fetch)
    retry = cmds.add_parser("retry", help="process a quarantined message again")
    retry.add_argument("id", type=int)
    retry.set_defaults(handler=run_retry)
    listing = cmds.add_parser("list", help="stored messages, newest first")
    listing.add_argument(
        "--state", choices=["pending", "processed", "quarantined", "ignored", "duplicate"]
    )
    listing.add_argument("--limit", type=int, default=50)
    listing.set_defaults(handler=run_list)
    from accord.cli import channels, outbox

    outbox.register(cmds)
    channels.register_addresses(cmds)
