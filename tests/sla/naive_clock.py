"""A deliberately naive clock for property tests: it walks whole minutes.

It re-derives the semantics page's rules in the most direct way, with no
compiled calendar and no run bookkeeping: each minute from notice on either
counts towards a target or not, depending on the status and level in force and
whether the minute lies inside a window (checked in local wall time). The
instant a target's count reaches its duration is its due instant. Inputs must
be whole minutes. Slow on purpose; only for tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from accord.sla import Event, Policy
from accord.sla.policy_spec import WEEKDAYS

MINUTE = timedelta(minutes=1)


def working(policy: Policy, t: datetime) -> bool:
    local = t.astimezone(policy.zone)
    if policy.calendar.holiday_name(local.date()) is not None:
        return False
    wall = local.strftime("%H:%M")
    day = WEEKDAYS[local.weekday()]
    return any(day in w.days and w.open <= wall < w.close for w in policy.spec.calendar.windows)


@dataclass
class NaiveTarget:
    state: str
    due: datetime | None
    met_at: datetime | None
    breached_at: datetime | None


def naive_evaluate(
    policy: Policy, level: str, channel: str, received: datetime,
    events: list[Event], as_of: datetime,
) -> tuple[datetime, dict[str, NaiveTarget | None]]:  # fmt: skip
    notice = received
    if policy.spec.channels[channel].notice == "business_hours":  # type: ignore[index]
        while not working(policy, notice):
            notice += MINUTE
    in_hours = working(policy, notice)
    met_statuses, pause_statuses = policy.resolution_rule
    events = [e for e in events if e.at <= as_of]
    results: dict[str, NaiveTarget | None] = {}
    for kind in ("first_response", "resolution"):
        results[kind] = _one_kind(
            policy, kind, level, notice, in_hours, events, as_of, met_statuses, pause_statuses
        )
    return notice, results


def _one_kind(policy, kind, level, notice, in_hours, events, as_of, met_statuses, pauses):  # type: ignore[no-untyped-def]
    # The clock effects of each event, at max(at, notice).
    target = policy.target(level, kind, in_hours)
    verdict_target = None
    met_at = breached_at = None
    # reach[clock][k] = instant the count on that clock reached k+1 minutes; both
    # clocks are counted so that a level change can switch between them.
    reach: dict[str, list[datetime]] = {"elapsed": [], "business": []}
    counting = True
    status = "open"

    def due_of(t):  # type: ignore[no-untyped-def]
        need = t.duration.seconds // 60
        counted = reach[t.duration.clock]
        return counted[need - 1] if need <= len(counted) else None

    def observe(now):  # type: ignore[no-untyped-def]
        nonlocal breached_at, verdict_target
        if target is None or breached_at is not None or met_at is not None:
            return
        d = due_of(target)
        if d is not None and d < now:
            breached_at = d
            verdict_target = target

    clock_t = notice

    def count_until(limit):  # type: ignore[no-untyped-def]
        nonlocal clock_t
        while clock_t < limit:
            if counting:
                reach["elapsed"].append(clock_t + MINUTE)
                if working(policy, clock_t):
                    reach["business"].append(clock_t + MINUTE)
            clock_t += MINUTE

    for ev in events:
        eff = max(ev.at, notice)
        count_until(eff)
        observe(eff)
        if kind == "first_response" and ev.type == "agent_reply" and met_at is None:
            met_at = ev.at
            counting = False
            if target is not None and breached_at is None:
                d = due_of(target)
                if d is not None and d < eff:
                    breached_at = d
                verdict_target = target
        elif kind == "resolution" and ev.type == "status":
            if ev.to in met_statuses:
                counting = False
                if met_at is None:
                    met_at = ev.at
                    if target is not None and breached_at is None:
                        d = due_of(target)
                        if d is not None and d < eff:
                            breached_at = d
                        verdict_target = target
            else:
                if status in met_statuses and met_at is not None:
                    met_at = None
                    if breached_at is None:
                        verdict_target = None
                        target = policy.target(level, kind, in_hours)
                counting = ev.to not in pauses
            status = ev.to
        elif ev.type == "level":
            level = ev.to
            if verdict_target is None:
                target = policy.target(level, kind, in_hours)
                if target is not None and met_at is not None:
                    d = due_of(target)
                    if d is not None and d < max(met_at, notice):
                        breached_at = d
                    verdict_target = target
                observe(eff)
    count_until(as_of)
    observe(as_of)
    shown = target if target is not None else verdict_target
    if verdict_target is not None:
        shown = verdict_target
    if shown is None:
        return None
    if breached_at is not None:
        return NaiveTarget("breached", breached_at, met_at, breached_at)
    if met_at is not None:
        return NaiveTarget("met", None, met_at, None)
    if not counting:
        return NaiveTarget("paused", None, None, None)
    # Running: keep counting until the target is reached.
    while due_of(shown) is None:
        count_until(clock_t + MINUTE)
    return NaiveTarget("running", due_of(shown), None, None)
