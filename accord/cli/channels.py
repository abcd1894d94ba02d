"""`accord voice line add|list|remove` and `accord mail address add|list|remove`.

Where calls and mail arrive, and which policy, level and team a new request from
each gets. Both write through their services (accord.intake.lines,
accord.intake.addresses), audited as the system. A line's secret is never printed.
"""

from __future__ import annotations

import argparse
from typing import Any

from accord.cli.desk import _guarded


def register(sub: Any) -> None:
    voice = sub.add_parser("voice", help="the phone and voicemail channel")
    groups = voice.add_subparsers(dest="voice_command", required=True, metavar="SUBCOMMAND")
    line = groups.add_parser("line", help="support lines (numbers customers call)")
    cmds = line.add_subparsers(dest="line_command", required=True, metavar="ACTION")
    add = cmds.add_parser("add", help="add a line, or change the one with this number")
    add.add_argument("number", help="with its country code, e.g. +1 866 416 4800")
    add.add_argument("--policy", required=True)
    add.add_argument("--level", required=True, help="the level new requests get")
    add.add_argument("--secret", required=True, help="the HMAC key the telephony system signs with")
    add.add_argument("--name", default="")
    add.add_argument("--team")
    add.set_defaults(handler=_guarded(run_line_add))
    cmds.add_parser("list", help="the lines").set_defaults(handler=_guarded(run_line_list))
    remove = cmds.add_parser("remove", help="remove a line (its calls keep their number)")
    remove.add_argument("number")
    remove.set_defaults(handler=_guarded(run_line_remove))


def register_addresses(mail_cmds: Any) -> None:
    address = mail_cmds.add_parser("address", help="support addresses (mailboxes customers write)")
    cmds = address.add_subparsers(dest="address_command", required=True, metavar="ACTION")
    add = cmds.add_parser("add", help="add an address, or change the one with this email")
    add.add_argument("email")
    add.add_argument("--policy", required=True)
    add.add_argument("--level", required=True, help="the level new requests get")
    add.add_argument("--name", help="display name in From: (default: the address)")
    add.add_argument("--team")
    add.add_argument("--default", action="store_true", help="receives mail no address claims")
    add.set_defaults(handler=_guarded(run_address_add))
    cmds.add_parser("list", help="the addresses").set_defaults(handler=_guarded(run_address_list))
    remove = cmds.add_parser("remove", help="remove an address (its mail stays stored)")
    remove.add_argument("email")
    remove.set_defaults(handler=_guarded(run_address_remove))


def run_line_add(args: argparse.Namespace) -> int:
    from accord.intake.lines import save_line

    row = save_line(
        args.number,
        policy=args.policy,
        level=args.level,
        secret=args.secret,
        name=args.name,
        team=args.team,
    )
    print(f"line {row.number}: {row.policy}, level {row.level}")
    return 0


def run_line_list(args: argparse.Namespace) -> int:
    from accord.intake.models import SupportLine

    rows = list(SupportLine.objects.select_related("team").order_by("number"))
    print(f"{'NUMBER':<17} {'POLICY':<10} {'LEVEL':<10} {'TEAM':<12} NAME")
    for r in rows:
        team = r.team.name if r.team else "-"
        print(f"{r.number:<17} {r.policy:<10} {r.level:<10} {team:<12} {r.name}")
    return 0


def run_line_remove(args: argparse.Namespace) -> int:
    from accord.intake.lines import remove_line

    remove_line(args.number)
    print(f"line {args.number} removed")
    return 0


def run_address_add(args: argparse.Namespace) -> int:
    from accord.intake.addresses import save_address

    row = save_address(
        args.email,
        name=args.name or args.email,
        policy=args.policy,
        level=args.level,
        team=args.team,
        is_default=args.default,
    )
    default = " (default)" if row.is_default else ""
    print(f"address {row.email}: {row.policy}, level {row.level}{default}")
    return 0


def run_address_list(args: argparse.Namespace) -> int:
    from accord.intake.models import SupportAddress

    rows = list(SupportAddress.objects.select_related("team").order_by("email"))
    print(f"{'ADDRESS':<32} {'POLICY':<10} {'LEVEL':<10} {'TEAM':<12} DEFAULT")
    for r in rows:
        team = r.team.name if r.team else "-"
        mark = "yes" if r.is_default else ""
        print(f"{r.email:<32} {r.policy:<10} {r.level:<10} {team:<12} {mark}")
    return 0


def run_address_remove(args: argparse.Namespace) -> int:
    from accord.intake.addresses import remove_address

    remove_address(args.email)
    print(f"address {args.email} removed")
    return 0
