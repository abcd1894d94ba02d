"""`accord mail outbox`, `accord mail resend ID`, `accord mail test-smtp`: outbound mail."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from accord.cli.desk import _guarded


def register(cmds: Any) -> None:
    """Adds the outbound subcommands to `accord mail`."""
    outbox = cmds.add_parser(
        "outbox", help="mail that was not delivered (failed, suppressed, bounced)"
    )
    outbox.set_defaults(handler=_guarded(run_outbox))
    resend = cmds.add_parser("resend", help="send a failed, suppressed or bounced mail again")
    resend.add_argument("id", type=int)
    resend.set_defaults(handler=_guarded(run_resend))
    check = cmds.add_parser("test-smtp", help="connect and log in to ACCORD_SMTP_URL")
    check.add_argument("--to", help="also send a test message to this address")
    check.set_defaults(handler=_guarded(run_test_smtp))


def run_outbox(args: argparse.Namespace) -> int:
    from accord.notify.resend import undelivered

    print(f"{'ID':>6} {'STATE':<10} {'REQUEST':<9} {'TO':<32} {'CREATED':<17} REASON")
    for row in undelivered():
        number = row.request.display_number if row.request else "-"  # reminders have none
        print(
            f"{row.pk:>6} {row.state:<10} {number:<9} {row.to_email:<32} "
            f"{row.created:%Y-%m-%d %H:%M} {row.reason}"
        )
    return 0


def run_resend(args: argparse.Namespace) -> int:
    from accord.notify.resend import resend

    row = resend(args.id)
    print(f"mail {row.pk} to {row.to_email} queued again; the worker sends it on its next pass")
    return 0


def run_test_smtp(args: argparse.Namespace) -> int:
    from accord.intake.identity import mail_config
    from accord.notify.transport import SmtpTransport, TemporaryError

    config = mail_config()
    smtp = config.smtp
    if smtp is None:
        print(
            "accord: ACCORD_SMTP_URL: not set; outbound mail waits in the outbox", file=sys.stderr
        )
        return 1
    try:
        greeting = SmtpTransport(smtp).check(to=args.to, sender=config.default_from)
    except TemporaryError as exc:
        print(f"accord: ACCORD_SMTP_URL: {exc}", file=sys.stderr)
        return 1
    print(f"SMTP {smtp.host}:{smtp.port} ({smtp.security}) answers: {greeting}")
    if args.to:
        print(f"test message sent to {args.to}")
    return 0
