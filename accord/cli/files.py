"""`accord files verify`: check every stored attachment file against its hash.

Prints one line per bad file (missing, wrong size, wrong content) and, with
`--repair`, rewrites it from a raw message holding the same bytes. Exit 0 when
every file is good (or was repaired), 1 when a bad one remains, 75 when the
database or the file store cannot be reached.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from accord.cli.setup import EX_FAILURE, EX_OK, EX_TEMPFAIL, django_setup, first_line


def run_verify(args: argparse.Namespace) -> int:
    problem = django_setup()
    if problem is not None:
        print(f"accord: {problem}", file=sys.stderr)
        return EX_FAILURE
    from django.db import DatabaseError

    from accord.intake.files import verify_files
    from accord.storage import StorageUnavailable

    try:
        checked, bad = verify_files(repair=args.repair)
    except (DatabaseError, StorageUnavailable) as exc:
        print(f"accord files verify: temporary failure: {first_line(exc)}", file=sys.stderr)
        return EX_TEMPFAIL
    remaining = 0
    for item in bad:
        state = "repaired" if item.repaired else "BAD"
        note = f" ({item.note})" if item.note else ""
        print(f"{state}\t{item.name}\t{item.problem}{note}")
        remaining += not item.repaired
    print(f"{checked} files checked, {len(bad)} bad, {len(bad) - remaining} repaired")
    return EX_OK if remaining == 0 else EX_FAILURE


def register(sub: Any) -> None:
    files = sub.add_parser("files", help="stored attachment files")
    cmds = files.add_subparsers(dest="files_command", required=True, metavar="SUBCOMMAND")
    verify = cmds.add_parser(
        "verify", help="check every stored file against its hash; --repair from raw mail"
    )
    verify.add_argument(
        "--repair", action="store_true", help="rewrite bad files from the raw messages"
    )
    verify.set_defaults(handler=run_verify)
