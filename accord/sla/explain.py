"""The derivation of due instants, in words a customer could audit.

`explain(policy, evaluation)` returns lines of text: which notice rule applied
(and its clause), whether the request counts as in hours, and for every target
the clock it runs on, the working windows counted, the weekends and holidays
skipped, pauses, and the resulting due instant, each in the policy's zone.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from accord.sla.clock import Evaluation, TargetState
from accord.sla.durations import format_seconds
from accord.sla.policy import Policy


def _local(t: datetime, policy: Policy) -> str:
    lt = t.astimezone(policy.zone)
    return f"{lt:%a %Y-%m-%d %H:%M} {lt.tzname()} ({lt:%z})"


def _span(a: datetime, b: datetime, policy: Policy) -> str:
    la, lb = a.astimezone(policy.zone), b.astimezone(policy.zone)
    length = format_seconds(int((b - a).total_seconds()))
    if la.date() == lb.date() or (lb - la) <= timedelta(days=1) and lb.time().hour == 0:
        return f"{la:%a %Y-%m-%d %H:%M}-{lb:%H:%M} ({length})"
    return f"{la:%a %Y-%m-%d %H:%M} to {lb:%a %Y-%m-%d %H:%M} ({length})"


def _skipped(policy: Policy, first: date, last: date) -> list[str]:
    """Local dates in [first, last] with no working time, and why."""
    out = []
    windows = policy.calendar.weekly_windows()
    day = first
    while day <= last:
        name = policy.calendar.holiday_name(day)
        if name is not None and windows[day.weekday()]:
            out.append(f"{day:%a %Y-%m-%d}: {name} (holiday)")
        elif not windows[day.weekday()]:
            out.append(f"{day:%a %Y-%m-%d}: no support hours on {day:%A}s")
        day += timedelta(days=1)
    return out


def explain_notice(policy: Policy, ev: Evaluation) -> list[str]:
    rule = policy.spec.channels[ev.channel]  # type: ignore[index]
    lines = [f"Received {_local(ev.received, policy)} by {ev.channel} ({rule.label})."]
    if rule.notice == "any_time":
        lines.append(
            f"  {ev.channel} gives notice at any hour (clause {rule.clause}): "
            f"notice is the moment of receipt."
        )
    elif ev.notice == ev.received:
        lines.append(
            f"  {ev.channel} gives notice only in hours (clause {rule.clause}); "
            f"received in hours, so notice is the moment of receipt."
        )
    else:
        lines.append(
            f"  {ev.channel} gives notice only in hours (clause {rule.clause}); "
            f"received outside hours, so notice is the next opening."
        )
        first = ev.received.astimezone(policy.zone).date()
        last = ev.notice.astimezone(policy.zone).date()
        lines += ["  skipped " + s for s in _skipped(policy, first, last)]
    lines.append(f"Notice: {_local(ev.notice, policy)}.")
    where = "inside" if ev.in_hours else "outside"
    lines.append(
        f"The notice instant is {where} hours ({policy.spec.calendar.clause}): "
        f"{'in-hours' if ev.in_hours else 'after-hours'} targets apply."
    )
    return lines


def explain_target(policy: Policy, name: str, state: TargetState | None) -> list[str]:
    if state is None:
        return [f"{name}: no target applies."]
    level = policy.level(state.level)
    head = (
        f"{name}: {format_seconds(state.within_seconds, 'business ' if state.clock == 'business' else '')}"
        f" for {level.label} (clause {state.clause}), on the {state.clock} clock."
    )
    lines = [head]
    runs = [(a, b) for a, b in state.runs]
    for k, (a, _b) in enumerate(runs):
        if k > 0:
            prev_end = runs[k - 1][1]
            if prev_end is not None:
                lines.append(
                    f"  paused {_local(prev_end, policy)} until {_local(a, policy)}"
                    " (waiting on the customer; paused time does not count)."
                )
    end = state.due if state.state != "paused" else None
    if state.clock == "business":
        counted: list[str] = []
        for a, b in runs:
            stop = b if b is not None else end
            if stop is None or stop <= a:
                continue
            for seg in policy.calendar.segments(a, stop):
                counted.append("  counted " + _span(seg.start, seg.end, policy))
        lines += counted
        if runs and end is not None:
            first = runs[0][0].astimezone(policy.zone).date()
            lines += [
                "  skipped " + s
                for s in _skipped(policy, first, end.astimezone(policy.zone).date())
            ]
    elif runs and end is not None:
        lines.append(
            f"  real elapsed time from {_local(runs[0][0], policy)}, "
            "across nights, weekends and holidays alike."
        )
    if state.state == "paused":
        lines.append("  paused now: no due instant until the clock resumes.")
    elif state.due is not None:
        lines.append(f"  due {_local(state.due, policy)}.")
    if state.met_at is not None:
        lines.append(f"  met {_local(state.met_at, policy)}.")
    if state.breached_at is not None:
        lines.append(f"  breached {_local(state.breached_at, policy)}.")
    return lines


def explain(policy: Policy, ev: Evaluation) -> list[str]:
    """Every step from receipt to each due instant."""
    lines = [
        f"Policy {policy.spec.policy.name} ({policy.id}, version {policy.version}); "
        f"level {ev.level}: {policy.level(ev.level).label}."
    ]
    lines += explain_notice(policy, ev)
    for kind, state in ev.targets.items():
        lines += explain_target(policy, kind.replace("_", " ").capitalize(), state)
        if state is None:
            no = policy.no_target(ev.level, kind)
            if no is not None:
                lines.append(f"  {no.wording} (clause {no.clause})")
    return lines
