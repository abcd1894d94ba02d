"""The engine on many requests at once: `evaluate_many`, equal to `evaluate` on each.

Importing a desk's history, replaying a draft policy over a year of requests
(`accord policy whatif`) and recomputing open requests after a calendar
correction all evaluate thousands of timelines under one policy. The costly
part of an evaluation is calendar arithmetic, so here it is done for the whole
batch at once on NumPy arrays (`Calendar.next_opening_many_us`,
`is_working_many_us`, `add_many_us`) instead of one bisection per call.

Which timelines take the array path: those whose clocks each run in one piece,
from notice to the event that meets them (or on to `as_of`):

- no `level` event (a level change recomputes targets mid-timeline), and
- no status that pauses resolution before it is met, and no status leaving a
  meeting status after it (a reopen voids a met verdict).

For those, each target's due is `add(notice, within)` on its own clock; it is
met by its first meeting event, breached when the due falls before that event's
effective instant (or before `as_of` when none came), exactly `evaluate`'s rule
(a stop exactly at the due is met). Every other timeline is evaluated by the
scalar engine. The answers are the same either way; tests/sla/test_batch.py
holds `evaluate_many` equal to `evaluate` on random timelines, and `Batch.vector`
says how many took the array path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # NumPy is imported when a batch runs (it costs 0.1 s at start-up)
    import numpy as np
    import numpy.typing as npt

from accord.sla.calendar import US, from_us, to_us
from accord.sla.clock import Evaluation, Event, State, TargetState, _check, evaluate
from accord.sla.errors import SlaInputError
from accord.sla.policy import Policy, Target
from accord.sla.policy_spec import TARGET_KINDS


@dataclass(frozen=True, slots=True)
class Case:
    """One request's timeline: what `evaluate` takes besides the policy and `as_of`."""

    level: str
    channel: str
    received: datetime
    events: Sequence[Event] = ()


@dataclass
class Batch:
    """The evaluations, in the order of the cases; `vector` of them took the array path."""

    evaluations: list[Evaluation] = field(default_factory=list)
    vector: int = 0


def _stops(policy: Policy, case: Case, as_of_us: int) -> tuple[int | None, int | None] | None:
    """(first agent reply, first meeting status) in microseconds, for a one-run
    timeline; None when the timeline needs the scalar engine."""
    met_statuses, pause_statuses = policy.resolution_rule
    reply = met = None
    for ev in case.events:
        at = to_us(ev.at)
        if at > as_of_us:
            break
        if ev.type == "level":
            return None
        if ev.type == "agent_reply" and reply is None:
            reply = at
        elif ev.type == "status":
            if ev.to in met_statuses:
                if met is None:
                    met = at
            elif met is not None or ev.to in pause_statuses:
                return None  # a reopen, or a pause before resolution: several runs
    return reply, met


def evaluate_many(policy: Policy, cases: Sequence[Case], as_of: datetime) -> Batch:
    """`[evaluate(policy, c.level, c.channel, c.received, c.events, as_of) for c in cases]`.

    Raises SlaInputError (naming the case's index) on bad input, like `evaluate`.
    """
    import numpy as np

    as_of_us = to_us(as_of)
    out: list[Evaluation | None] = [None] * len(cases)
    simple: list[int] = []
    stops: list[tuple[int | None, int | None]] = []
    for i, case in enumerate(cases):
        _check_case(policy, case, as_of, i)
        found = _stops(policy, case, as_of_us)
        if found is None:
            out[i] = evaluate(policy, case.level, case.channel, case.received, case.events, as_of)
        else:
            simple.append(i)
            stops.append(found)
    if simple:
        cal = policy.calendar
        received = np.fromiter((to_us(cases[i].received) for i in simple), np.int64, len(simple))
        in_hours_only = np.fromiter(
            (policy.spec.channels[cases[i].channel].notice != "any_time" for i in simple),  # type: ignore[index]
            np.bool_,
            len(simple),
        )
        notice = received.copy()
        if in_hours_only.any():
            notice[in_hours_only] = cal.next_opening_many_us(received[in_hours_only])
        in_hours = cal.is_working_many_us(notice)
        levels = [cases[i].level for i in simple]
        dues = {kind: _dues(policy, kind, levels, notice, in_hours) for kind in TARGET_KINDS}
        for k, i in enumerate(simple):
            case = cases[i]
            n = int(notice[k])
            ih = bool(in_hours[k])
            states = [
                _one_run(kind, case.level, *dues[kind][k], n, stop, as_of_us)
                for kind, stop in zip(TARGET_KINDS, stops[k], strict=True)
            ]
            out[i] = Evaluation(
                policy.id,
                case.level,
                case.channel,
                case.received,
                from_us(n),
                ih,
                as_of,
                states[0],
                states[1],
            )
    return Batch([e for e in out if e is not None], len(simple))


def _check_case(policy: Policy, case: Case, as_of: datetime, index: int) -> None:
    try:
        _check(case.events, policy, case.level, case.channel, case.received, as_of)
    except SlaInputError as exc:
        raise SlaInputError(f"cases[{index}].{exc.field}", exc.message) from None


def _dues(
    policy: Policy,
    kind: str,
    levels: list[str],
    notice: npt.NDArray[np.int64],
    in_hours: npt.NDArray[np.bool_],
) -> list[tuple[Target | None, int]]:
    """Per case: the target of `kind` that applies and its due from notice (0 if none)."""
    import numpy as np

    targets = [policy.target(lv, kind, bool(ih)) for lv, ih in zip(levels, in_hours, strict=True)]
    within = np.fromiter(
        (0 if t is None else t.duration.seconds for t in targets), np.int64, len(targets)
    )
    business = np.fromiter(
        (t is not None and t.duration.clock == "business" for t in targets), np.bool_, len(targets)
    )
    due = notice + within * US
    if business.any():
        due[business] = policy.calendar.add_many_us(notice[business], within[business])
    return list(zip(targets, due.tolist(), strict=True))


def _one_run(
    kind: str,
    level: str,
    target: Target | None,
    due: int,
    notice: int,
    stop: int | None,
    as_of: int,
) -> TargetState | None:
    """A target whose clock runs from notice until `stop` (its first meeting event).

    Breached when the due falls before the stop's effective instant (never before
    notice), or before `as_of` when nothing met it: `evaluate`'s settle rule.
    """
    if target is None:
        return None
    clock, within, clause = target.duration.clock, target.duration.seconds, target.clause
    due_dt = from_us(due)
    start = from_us(notice)
    if stop is None:
        breached = due < as_of
        state: State = "breached" if breached else "running"
        return TargetState(
            kind,
            state,
            due_dt,
            None,
            due_dt if breached else None,
            clock,
            within,
            clause,
            level,
            ((start, None),),
        )
    eff = max(stop, notice)
    breached = due < eff
    state = "breached" if breached else "met"
    return TargetState(
        kind,
        state,
        due_dt,
        from_us(stop),
        due_dt if breached else None,
        clock,
        within,
        clause,
        level,
        ((start, from_us(eff)),),
    )
