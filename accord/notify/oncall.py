"""The on-call rota: who is on call when, per policy and team (docs/alerts.md).

A rota is made of shifts (`OnCallShift`): a person, an interval, and optionally
the policy and the team whose requests it covers. A weekly rotation is a run of
shifts (`rotate`: the members in turn, handing over at the same local time each
week, in the policy's zone, so daylight saving does not move the handover); a
one-off override is a single shift marked `override`, which wins over the
rotation's shift at the same time (PagerDuty's override layer).

Who is on call at an instant for a request (`on_call`): of the shifts covering
it whose policy and team are the request's or empty, an override first, then
the most specific (policy named, team named), then the latest to start. The
next in the rota (`next_in_rota`, the escalation's second rung) is another
shift covering the instant (a backup shift), else the next shift to start.

Instants typed by people ("2026-11-30 09:00") are local to the policy's zone,
or UTC for a shift of every policy; ISO 8601 with an offset is taken as given.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accord.accounts.actor import Actor, is_manager
from accord.accounts.models import Team
from accord.audit.services import record
from accord.errors import Forbidden, Invalid, NotFound
from accord.notify.models import OnCallShift
from accord.sla import load_policy
from accord.sla.policy import shipped_policy_names

MAX_SHIFT = timedelta(days=31)
MAX_WEEKS = 104


def zone_of(policy: str) -> tzinfo:
    """The zone shifts of `policy` are typed and shown in: the policy's, else UTC."""
    return load_policy(policy).zone if policy else UTC


def parse_when(value: Any, field: str, zone: tzinfo) -> datetime:
    """An instant from `value`: an aware datetime, ISO 8601 with an offset, or local
    `YYYY-MM-DD HH:MM` in `zone`. Anything else is Invalid naming `field`."""
    if isinstance(value, datetime):
        t = value
    else:
        text = str(value or "").strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            t = datetime.fromisoformat(text)
        except ValueError:
            raise Invalid(field, f"expected YYYY-MM-DD HH:MM or ISO 8601, got {value!r}") from None
    if t.tzinfo is None:
        t = t.replace(tzinfo=zone)
    try:
        return t.astimezone(UTC)
    except (OverflowError, ValueError):
        raise Invalid(field, f"{value!r} is out of range") from None


def require_manager(actor: Actor) -> None:
    """Managers and admins; the system (the `accord` command on the server) too."""
    if actor.user is None and actor.contact is None:
        return
    if not is_manager(actor):
        raise Forbidden("rota", "only managers and administrators change the on-call rota")


def _staff_user(name: str, field: str = "user") -> User:
    user = (
        get_user_model()
        .objects.filter(username=(name or "").strip(), agent__isnull=False, is_active=True)
        .first()
    )
    if user is None:
        raise Invalid(field, f"no active staff user {name!r}")
    return user


def _policy(policy: str | None) -> str:
    policy = (policy or "").strip()
    if policy and policy not in shipped_policy_names():
        raise Invalid("policy", f"unknown policy {policy!r} ({', '.join(shipped_policy_names())})")
    return policy


def _team(team: str | None) -> Team | None:
    name = (team or "").strip()
    if not name:
        return None
    found = Team.objects.filter(name=name).first()
    if found is None:
        raise Invalid("team", f"no team {name!r}")
    return found


@transaction.atomic
def add_shift(
    actor: Actor,
    *,
    user: str,
    starts: Any,
    ends: Any,
    policy: str | None = "",
    team: str | None = "",
    override: bool = False,
    now: datetime | None = None,
) -> OnCallShift:
    """One shift (a one-off override when `override`)."""
    now = now or timezone.now()
    require_manager(actor)
    who = _staff_user(user)
    policy = _policy(policy)
    zone = zone_of(policy)
    start, end = parse_when(starts, "starts", zone), parse_when(ends, "ends", zone)
    if start.year < 1000 or end.year > 9000:
        raise Invalid("starts" if start.year < 1000 else "ends", "out of range")
    if end <= start:
        raise Invalid("ends", "must be after starts")
    if end - start > MAX_SHIFT:
        raise Invalid("ends", "a shift is at most 31 days; use a rotation for longer")
    shift = OnCallShift.objects.create(
        user=who,
        starts=start,
        ends=end,
        policy=policy,
        team=_team(team),
        override=override,
        created=now,
        created_by=actor.label,
    )
    record(actor, "oncall.shift", shift, now, user=who.username, override=override)
    return shift


@transaction.atomic
def rotate(
    actor: Actor,
    *,
    name: str,
    members: Iterable[str],
    starts: Any,
    weeks: int,
    policy: str | None = "",
    team: str | None = "",
    now: datetime | None = None,
) -> list[OnCallShift]:
    """A weekly rotation: `members` in turn, one week each from `starts`, `weeks` weeks.

    Each handover is at the local wall time of `starts` in the policy's zone.
    """
    now = now or timezone.now()
    require_manager(actor)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise Invalid("name", "a rotation needs a name of at most 100 characters")
    people = [_staff_user(m, "members") for m in members if m.strip()]
    if not people:
        raise Invalid("members", "name at least one staff user")
    if not isinstance(weeks, int) or not 1 <= weeks <= MAX_WEEKS:
        raise Invalid("weeks", f"expected 1 to {MAX_WEEKS}")
    policy = _policy(policy)
    zone = zone_of(policy)
    first = parse_when(starts, "starts", zone).astimezone(zone)
    if first.year > 9000:
        raise Invalid("starts", "out of range")
    chosen_team = _team(team)
    made = []
    for week in range(weeks):
        made.append(
            OnCallShift.objects.create(
                user=people[week % len(people)],
                starts=_local(first.date() + timedelta(weeks=week), first.timetz(), zone),
                ends=_local(first.date() + timedelta(weeks=week + 1), first.timetz(), zone),
                policy=policy,
                team=chosen_team,
                rotation=name,
                created=now,
                created_by=actor.label,
            )
        )
    record(
        actor, "oncall.rotate", made[0], now, name=name, members=[p.username for p in people],
        weeks=weeks,
    )  # fmt: skip
    return made


def _local(day: date, at: time, zone: tzinfo) -> datetime:
    return datetime.combine(day, at.replace(tzinfo=None), tzinfo=zone).astimezone(UTC)


@transaction.atomic
def remove_shift(actor: Actor, shift_id: int, now: datetime | None = None) -> None:
    now = now or timezone.now()
    require_manager(actor)
    shift = OnCallShift.objects.filter(pk=shift_id).select_related("user").first()
    if shift is None:
        raise NotFound("id", f"no on-call shift {shift_id}")
    record(
        actor, "oncall.remove", shift, now, user=shift.user.username,
        starts=shift.starts.isoformat(), ends=shift.ends.isoformat(),
    )  # fmt: skip
    shift.delete()


def covering(at: datetime, policy: str, team_id: int | None) -> QuerySet[OnCallShift]:
    """Shifts of active users covering `at` for a request of `policy` and team."""
    teams = Q(team__isnull=True) | (Q(team_id=team_id) if team_id is not None else Q(pk__in=[]))
    return OnCallShift.objects.filter(
        Q(policy="") | Q(policy=policy), teams, starts__lte=at, ends__gt=at, user__is_active=True
    ).select_related("user", "team")


def _rank(shift: OnCallShift) -> tuple[bool, bool, bool, datetime, int]:
    return (shift.override, bool(shift.policy), shift.team_id is not None, shift.starts, shift.pk)


def on_call(at: datetime, policy: str, team_id: int | None) -> OnCallShift | None:
    """The shift whose person is on call at `at` for a request of `policy` and team."""
    shifts = sorted(covering(at, policy, team_id), key=_rank, reverse=True)
    return shifts[0] if shifts else None


def next_in_rota(
    at: datetime, policy: str, team_id: int | None, paged: Iterable[str]
) -> OnCallShift | None:
    """Whom the ladder's second rung pages: a backup shift covering `at`, else the person
    of the next shift to start; never someone already paged."""
    skip = set(paged)
    for shift in sorted(covering(at, policy, team_id), key=_rank, reverse=True):
        if shift.user.username not in skip:
            return shift
    teams = Q(team__isnull=True) | (Q(team_id=team_id) if team_id is not None else Q(pk__in=[]))
    upcoming = (
        OnCallShift.objects.filter(Q(policy="") | Q(policy=policy), teams, starts__gt=at)
        .filter(user__is_active=True)
        .exclude(user__username__in=skip)
        .select_related("user", "team")
        .order_by("starts", "id")
    )
    return upcoming.first()


def shifts_between(start: datetime, end: datetime, policy: str | None = None) -> list[OnCallShift]:
    """Shifts overlapping [start, end), in order; with `policy`, those covering it."""
    rows = OnCallShift.objects.filter(starts__lt=end, ends__gt=start)
    if policy:
        rows = rows.filter(Q(policy="") | Q(policy=policy))
    return list(rows.select_related("user", "team").order_by("starts", "id"))
