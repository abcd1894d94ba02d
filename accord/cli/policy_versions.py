"""`accord policy versions|move|recompute` (and `holiday`, in policy_holidays): policy versions in a running desk.

These need the database, so they set Django up through the desk's guard; the
rest of `accord policy` works on files alone.
"""

from __future__ import annotations

import argparse

from accord.cli.desk import _guarded


def add_commands(cmds: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    versions = cmds.add_parser("versions", help="list the versions requests run under")
    versions.add_argument("policy", metavar="NAME")
    versions.set_defaults(handler=_guarded(run_versions))

    move = cmds.add_parser(
        "move", help="preview (and with --apply, make) moving open requests to a version"
    )
    move.add_argument("policy", metavar="NAME")
    move.add_argument("--to", required=True, metavar="VERSION")
    move.add_argument("--apply", action="store_true", help="move them after printing the preview")
    move.set_defaults(handler=_guarded(run_move))

    recompute = cmds.add_parser(
        "recompute", help="load a corrected policy file and refresh open requests' targets"
    )
    recompute.add_argument("policy", metavar="NAME")
    recompute.set_defaults(handler=_guarded(run_recompute))

    from accord.cli.policy_holidays import add_commands as holiday_commands

    holiday_commands(cmds)


def run_versions(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from accord.contracts.models import PolicyVersion
    from accord.contracts.policy_versions import record_current
    from accord.contracts.services import check_policy
    from accord.tickets.models import Request

    name = check_policy(args.policy)
    current = record_current(name, timezone.now())
    for row in PolicyVersion.objects.filter(policy=name).order_by("effective"):
        used = Request.objects.filter(policy=name, policy_version=row.version).count()
        mark = " (shipped file)" if row.pk == current.pk else ""
        corrected = f", corrected {row.corrected:%Y-%m-%d}" if row.corrected else ""
        print(f"{row.version}  effective {row.effective}  {used} requests{corrected}{mark}")
    return 0


def run_move(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from accord.accounts.actor import SYSTEM
    from accord.contracts.models import PolicyVersion
    from accord.contracts.policy_versions import record_current
    from accord.contracts.services import check_policy
    from accord.errors import Invalid
    from accord.tickets.models import Request, Status
    from accord.tickets.policy_moves import move_to_version, preview_move

    now = timezone.now()
    name = check_policy(args.policy)
    record_current(name, now)
    if not PolicyVersion.objects.filter(policy=name, version=args.to).exists():
        raise Invalid("--to", f"no version {args.to!r} of {name} on record")
    moves, refusals = preview_move(name, args.to, now)
    for m in moves:
        if m.kept:
            print(f"{m.number}  {m.kind}: stays {m.before} (not {m.after}): {m.kept}")
        else:
            print(f"{m.number}  {m.kind}: {m.before} -> {m.after}")
    for r in refusals:
        print(f"cannot move {r}")
    if not [m for m in moves if not m.kept]:
        print("no deadline would move")
    if not args.apply:
        print("preview only: add --apply to move the requests")
        return 0
    refused = {r.split(":")[0] for r in refusals}
    open_requests = (
        Request.objects.filter(policy=name)
        .exclude(status=Status.CLOSED)
        .exclude(policy_version=args.to)
    )
    moved = 0
    for request in open_requests:
        if request.display_number in refused:
            continue
        move_to_version(SYSTEM, request.display_number, args.to, now)
        moved += 1
    print(f"moved {moved} requests to {name} {args.to}")
    return 0


def run_recompute(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from accord.contracts.policy_versions import record_current
    from accord.contracts.services import check_policy
    from accord.tickets.policy_moves import recompute_open

    now = timezone.now()
    name = check_policy(args.policy)
    row = record_current(name, now)
    count = recompute_open(name, now)
    print(f"{name} {row.version}: recomputed the targets of {count} open requests")
    return 0
