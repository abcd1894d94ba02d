"""`accord oncall`: the on-call rota and pages (docs/alerts.md).

Handlers parse arguments and call accord.notify.oncall and accord.notify.paging
as the system (the operator on the server); a refused value prints one line
naming the field and exits 1. Times are `YYYY-MM-DD HH:MM` in the policy's
zone (UTC for a shift of every policy) or ISO 8601 with an offset.
"""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from accord.cli.desk import _guarded

if TYPE_CHECKING:
    from accord.notify.models import OnCallShift


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    top = sub.add_parser("oncall", help="the on-call rota and after-hours pages")
    cmds = top.add_subparsers(dest="oncall_command", required=True, metavar="SUBCOMMAND")

    now = cmds.add_parser("now", help="who is on call (now, or --at)")
    now.add_argument("--policy", required=True)
    now.add_argument("--team", default="")
    now.add_argument("--at", help="an instant instead of now")
    now.set_defaults(handler=_guarded(run_now))

    listing = cmds.add_parser("list", help="shifts of the coming days")
    listing.add_argument("--days", type=int, default=14)
    listing.add_argument("--policy", default="")
    listing.set_defaults(handler=_guarded(run_list))

    add = cmds.add_parser("add", help="add a shift (or a one-off override)")
    add.add_argument("user")
    add.add_argument("--starts", required=True)
    add.add_argument("--ends", required=True)
    add.add_argument("--policy", default="", help="only this policy's requests")
    add.add_argument("--team", default="", help="only this team's requests")
    add.add_argument("--override", action="store_true", help="wins over the rotation")
    add.set_defaults(handler=_guarded(run_add))

    rotate = cmds.add_parser("rotate", help="a weekly rotation: members a week each in turn")
    rotate.add_argument("name")
    rotate.add_argument("--members", required=True, help="usernames, comma-separated")
    rotate.add_argument("--starts", required=True, help="the first handover")
    rotate.add_argument("--weeks", type=int, required=True)
    rotate.add_argument("--policy", default="")
    rotate.add_argument("--team", default="")
    rotate.set_defaults(handler=_guarded(run_rotate))

    remove = cmds.add_parser("remove", help="remove a shift")
    remove.add_argument("id", type=int)
    remove.set_defaults(handler=_guarded(run_remove))

    pages = cmds.add_parser("pages", help="pages with their steps, newest first")
    pages.add_argument("--open", action="store_true", help="only those not acknowledged")
    pages.set_defaults(handler=_guarded(run_pages))

    ack = cmds.add_parser("ack", help="acknowledge a page (stops its escalation)")
    ack.add_argument("page", type=int)
    ack.add_argument("--as", dest="user", required=True, help="the staff user acknowledging")
    ack.set_defaults(handler=_guarded(run_ack))


def _shift_line(s: OnCallShift) -> str:
    from accord.notify.oncall import zone_of

    zone = zone_of(s.policy)
    fmt = "%Y-%m-%d %H:%M %Z"
    kind = "override" if s.override else (s.rotation or "shift")
    return (
        f"{s.pk:>5}  {s.user.get_username():<12} {s.starts.astimezone(zone):{fmt}} -> "
        f"{s.ends.astimezone(zone):{fmt}}  policy={s.policy or 'every'} "
        f"team={s.team.name if s.team else 'every'}  {kind}"
    )


def run_now(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from accord.accounts.models import Team
    from accord.errors import Invalid
    from accord.notify import oncall

    policy = oncall._policy(args.policy)
    at = oncall.parse_when(args.at, "at", oncall.zone_of(policy)) if args.at else timezone.now()
    team = None
    if args.team:
        team = Team.objects.filter(name=args.team).first()
        if team is None:
            raise Invalid("team", f"no team {args.team!r}")
    shift = oncall.on_call(at, policy, team.pk if team else None)
    if shift is None:
        print("nobody is on call: pages go to the managers")
        return 0
    print(_shift_line(shift))
    return 0


def run_list(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from accord.notify import oncall

    start = timezone.now()
    rows = oncall.shifts_between(start, start + timedelta(days=args.days), args.policy or None)
    for shift in rows:
        print(_shift_line(shift))
    if not rows:
        print(f"no shift in the next {args.days} days")
    return 0


def run_add(args: argparse.Namespace) -> int:
    from accord.accounts.actor import SYSTEM
    from accord.notify import oncall

    shift = oncall.add_shift(
        SYSTEM, user=args.user, starts=args.starts, ends=args.ends, policy=args.policy,
        team=args.team, override=args.override,
    )  # fmt: skip
    print(_shift_line(shift))
    return 0


def run_rotate(args: argparse.Namespace) -> int:
    from accord.accounts.actor import SYSTEM
    from accord.notify import oncall

    shifts = oncall.rotate(
        SYSTEM, name=args.name, members=args.members.split(","), starts=args.starts,
        weeks=args.weeks, policy=args.policy, team=args.team,
    )  # fmt: skip
    for shift in shifts:
        print(_shift_line(shift))
    return 0


def run_remove(args: argparse.Namespace) -> int:
    from accord.accounts.actor import SYSTEM
    from accord.notify import oncall

    oncall.remove_shift(SYSTEM, args.id)
    print(f"shift {args.id} removed")
    return 0


def _when(t: datetime | None) -> str:
    return t.strftime("%Y-%m-%d %H:%M UTC") if t is not None else "-"


def run_pages(args: argparse.Namespace) -> int:
    from accord.notify.models import Page

    pages = Page.objects.select_related("request").prefetch_related("steps")
    if args.open:
        pages = pages.filter(acknowledged__isnull=True, ended="")
    for page in pages[:100]:
        state = (
            f"acknowledged by {page.acknowledged_by}"
            if page.acknowledged
            else page.ended or f"next rung {_when(page.next_at)}"
        )
        print(
            f"page {page.pk}  {page.request.display_number}  opened {_when(page.opened)}  {state}"
        )
        for step in page.steps.all():
            who = ", ".join(step.users) or "nobody"
            note = f" ({step.note})" if step.note else ""
            print(f"    {step.n}. {_when(step.at)} {step.get_kind_display()}: {who}{note}")
    return 0


def run_ack(args: argparse.Namespace) -> int:
    from django.contrib.auth import get_user_model

    from accord.accounts.actor import staff
    from accord.errors import Invalid
    from accord.notify import paging

    user = get_user_model().objects.filter(username=args.user, agent__isnull=False).first()
    if user is None:
        raise Invalid("as", f"no staff user {args.user!r}")
    page = paging.acknowledge(staff(user), args.page, via="cli")
    print(f"page {page.pk} acknowledged by {page.acknowledged_by} at {_when(page.acknowledged)}")
    return 0
