"""`accord policy holiday add|remove|list`: calendar corrections in a running desk.

Like `accord policy move`, a change is previewed first: without `--apply` the
command prints every deadline the day would move and changes nothing.
"""

from __future__ import annotations

import argparse
from datetime import date

from accord.cli.desk import _guarded


def add_commands(cmds: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    holiday = cmds.add_parser("holiday", help="calendar corrections: a newly declared holiday")
    holiday_cmds = holiday.add_subparsers(dest="holiday_command", required=True)
    add = holiday_cmds.add_parser(
        "add", help="preview (and with --apply, make) a holiday: written into the policy file, "
        "open requests recomputed at once",
    )  # fmt: skip
    remove = holiday_cmds.add_parser(
        "remove", help="preview (and with --apply, take back) a declared holiday"
    )
    for sub, why in ((add, "why, kept in the file and the audit trail"), (remove, "why")):
        sub.add_argument("policy", metavar="NAME")
        sub.add_argument("date", metavar="YYYY-MM-DD")
        sub.add_argument("--reason", required=True, help=why)
        sub.add_argument("--apply", action="store_true", help="make it after the preview")
    add.set_defaults(handler=_guarded(run_holiday_change), remove=False)
    remove.set_defaults(handler=_guarded(run_holiday_change), remove=True)
    listing = holiday_cmds.add_parser("list", help="the policy file's declared holidays")
    listing.add_argument("policy", metavar="NAME")
    listing.set_defaults(handler=_guarded(run_holiday_list))


def _day(text: str) -> date:
    from accord.errors import Invalid

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid("date", f"{text!r} is not a date (YYYY-MM-DD)") from None


def run_holiday_change(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from accord.accounts.actor import SYSTEM
    from accord.contracts.services import check_policy
    from accord.errors import Invalid
    from accord.tickets.holidays import add_holiday, preview_holiday, remove_holiday

    now = timezone.now()
    name = check_policy(args.policy)
    day = _day(args.date)
    reason = " ".join(args.reason.split())
    if not reason:
        raise Invalid("reason", "say why (e.g. the government's announcement)")
    moves = preview_holiday(name, day, reason=reason, remove=args.remove, now=now)
    for m in moves:
        if m.kept:
            print(f"{m.number}  {m.kind}: stays {m.before} (not {m.after}): {m.kept}")
        else:
            print(f"{m.number}  {m.kind}: {m.before} -> {m.after}")
    if not [m for m in moves if not m.kept]:
        print("no deadline would move")
    verb = "take back" if args.remove else "declare"
    if not args.apply:
        print(f"preview only: add --apply to {verb} {day} ({reason})")
        return 0
    change = remove_holiday if args.remove else add_holiday
    count = change(SYSTEM, name, day, reason=reason, now=now)
    done = "is no longer a holiday" if args.remove else "is a holiday"
    print(f"{name}: {day} {done} ({reason}); recomputed {count} open requests")
    return 0


def run_holiday_list(args: argparse.Namespace) -> int:
    from accord.contracts.services import check_policy
    from accord.tickets.holidays import declared_holidays

    name = check_policy(args.policy)
    found = declared_holidays(name)
    for h in found:
        who = f"  {h.by} {h.at:%Y-%m-%d %H:%M}Z" if h.at else "  (in the file)"
        print(f"{h.day}  {h.reason or '-'}{who}")
    if not found:
        print(f"{name} declares no holidays of its own")
    return 0
