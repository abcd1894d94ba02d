"""SLA targets of a request, computed by the engine from its event log.

`evaluate_request` is what every read uses (as of the moment of the read);
`store_targets` keeps the `SlaTarget` rows in step after each change, for
queue queries on (state, due). Both feed the engine exactly the timeline
`accord sla replay` would get for the same events.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from accord.contracts.policy_versions import policy_version
from accord.sla import Evaluation, Event, Policy, TargetState, evaluate
from accord.sla.jsonio import iso, target_to_json
from accord.sla.measure import paused_seconds, taken_seconds
from accord.tickets import transitions
from accord.tickets.log import ENGINE_EVENT_TYPES, last_instant, voided_in
from accord.tickets.models import NO_DUE, Request, Scope, SlaTarget, SlaTransition
from accord.tickets.models import Event as LogEvent


def engine_events(request: Request) -> list[Event]:
    """The request's log as engine events, in log order."""
    return as_engine_events(request.events.order_by("seq"))


def as_engine_events(rows: Iterable[LogEvent]) -> list[Event]:
    """Log rows (in log order) as the engine's events; desk-only kinds and voided
    events left out."""
    rows = list(rows)
    voided = voided_in(rows)
    return [
        Event(at=e.at, type=e.kind, to=e.to or None)
        for e in rows
        if e.kind in ENGINE_EVENT_TYPES and e.seq not in voided
    ]


def targets_apply(request: Request) -> bool:
    """No targets while out of scope (semantics 4) or once merged into another request."""
    return request.scope == Scope.IN_SCOPE and request.merged_into_id is None


def policy_of(request: Request) -> Policy:
    """The policy version the request runs under (semantics 5)."""
    return policy_version(request.policy, request.policy_version)


def evaluate_request(
    request: Request, as_of: datetime, events: list[Event] | None = None
) -> Evaluation:
    """The engine's evaluation of the request's timeline as of `as_of`.

    `events`: the log as engine events when the caller has it in hand (it wrote the
    whole log in this transaction); otherwise the log is read.
    """
    return evaluate_with(policy_of(request), request, as_of, events)


def evaluate_with(
    policy: Policy, request: Request, as_of: datetime, events: list[Event] | None = None
) -> Evaluation:
    """The request's timeline evaluated under a given policy (a version move preview)."""
    return evaluate(
        policy,
        request.initial_level,
        request.channel,
        request.received,
        engine_events(request) if events is None else events,
        as_of,
    )


def with_verdicts(request: Request, ev: Evaluation | None) -> dict[str, TargetState | None]:
    """The targets as read: the engine's, with the recorded verdicts kept over them.

    `ev` is None when no targets apply now (out of scope, merged): the verdicts
    recorded before still show.
    """
    targets: dict[str, TargetState | None] = (
        dict(ev.targets) if ev is not None else {"first_response": None, "resolution": None}
    )
    for row in SlaTarget.objects.filter(request=request, state__in=transitions.VERDICTS):
        kept = transitions.kept_state(row, targets.get(row.kind))
        if kept is not None:
            targets[row.kind] = kept
    return targets


def evaluate_recorded(request: Request, as_of: datetime) -> Evaluation | None:
    """`evaluate_request` with the recorded verdicts kept; None when no targets apply."""
    ev = evaluate_request(request, as_of) if targets_apply(request) else None
    targets = with_verdicts(request, ev)
    if ev is None:
        return None
    return ev._replace(first_response=targets["first_response"], resolution=targets["resolution"])


def targets_json(
    request: Request, as_of: datetime, events: list[Event] | None = None
) -> dict[str, Any]:
    """{"first_response": T, "resolution": T} as of `as_of`; T is null when none applies.
    `events`: the log as engine events when the caller has read it."""
    ev = evaluate_request(request, as_of, events) if targets_apply(request) else None
    zone = policy_of(request).zone
    return {kind: target_to_json(state, zone) for kind, state in with_verdicts(request, ev).items()}


def notice_json(request: Request) -> str | None:
    return iso(request.notice, policy_of(request).zone)


@dataclass
class TargetPlan:
    """What `store_targets` writes: rows to insert and to update (with their changed
    columns), the ids of rows that go, the transitions found, the rows that stay
    (`kept`, written or not) and `next_due`, the nearest due among them."""

    kept: list[SlaTarget] = field(default_factory=list)
    created: list[SlaTarget] = field(default_factory=list)
    updated: list[tuple[SlaTarget, list[str]]] = field(default_factory=list)
    gone: list[int] = field(default_factory=list)
    found: list[SlaTransition] = field(default_factory=list)
    next_due: datetime = NO_DUE


def store_targets(
    request: Request, now: datetime, evaluation: Evaluation | None = None, *, new: bool = False
) -> list[SlaTarget]:
    """Recompute the stored rows as of `now` and record the transitions that makes.

    `evaluation`: the request's evaluation as of `now` when the caller already has it.
    `new`: the request was created in this transaction, so it has no rows yet.
    The caller holds the request row lock, so the rows read here stay as read: one
    read, then an insert of the new kinds, an update per changed kind and one delete
    of the kinds that no longer apply. Recorded verdicts stay (accord.tickets.transitions);
    a kind that no longer applies keeps its row when it has one.
    """
    # FOR UPDATE (PostgreSQL): the worker's sweep moves these rows without the request lock.
    rows = SlaTarget.objects.filter(request=request).select_for_update()
    existing = {} if new else {row.kind: row for row in rows}
    if targets_apply(request) and evaluation is None:
        evaluation = evaluate_request(request, now)
    plan = plan_targets(request, now, evaluation, existing, new=new)
    return write_targets(request, plan)


def plan_targets(
    request: Request,
    now: datetime,
    evaluation: Evaluation | None,
    existing: dict[str, SlaTarget],
    *,
    new: bool = False,
) -> TargetPlan:
    """The rows `store_targets` writes, computed without a query.

    `evaluation`: the engine's as of `now` (None when no targets apply); `existing`:
    the stored rows by kind, as read under the request lock. A request being opened
    (`new`) is planned before it is inserted, so it is inserted with its `next_due`.
    """
    if targets_apply(request) and evaluation is not None:
        states: dict[str, TargetState | None] = dict(evaluation.targets)
    else:
        states = {kind: None for kind in existing}
    policy = policy_of(request)
    warn = transitions.warner(request, policy)
    changed_at: datetime | None = None
    plan = TargetPlan()
    for kind, state in states.items():
        row = existing.get(kind)
        if state is None and row is None:
            continue
        if changed_at is None:
            changed_at = now if new else min(now, last_instant(request))
        change = transitions.settle(request, row, state, now, changed_at, warn)
        moves = [f for f in change.found if not (new and f[0] == SlaTransition.Kind.APPEARED)]
        if change.values is None:
            if row is not None:
                plan.gone.append(row.pk)
            plan.found += transitions.record(request, kind, moves, row, now)
            continue
        values = {**change.values, "computed_at": now}
        if state is not None:
            values.update(report_values(state, now, policy))
        if row is None:
            row = SlaTarget(request=request, kind=kind, **values)
            plan.created.append(row)
        else:
            dirty = [name for name, value in values.items() if getattr(row, name) != value]
            for name in dirty:
                setattr(row, name, values[name])
            if dirty:
                plan.updated.append((row, dirty))
        plan.kept.append(row)
        plan.found += transitions.record(request, kind, moves, row, now)
    plan.next_due = next_due(plan.kept)
    return plan


def write_targets(request: Request, plan: TargetPlan) -> list[SlaTarget]:
    """Write a plan: one insert per table, an update per changed row, one delete."""
    if plan.created:
        SlaTarget.objects.bulk_create(plan.created)
    for row, dirty in plan.updated:
        row.save(update_fields=dirty)
    if plan.gone:
        SlaTarget.objects.filter(pk__in=plan.gone).delete()
    if plan.found:
        SlaTransition.objects.bulk_create(plan.found)
    if request.next_due != plan.next_due:
        request.next_due = plan.next_due
        Request.objects.filter(pk=request.pk).update(next_due=plan.next_due)
    return plan.kept


def report_values(state: TargetState, now: datetime, policy: Policy) -> dict[str, Any]:
    """`level`, `taken_seconds` and `paused_seconds`: the report's columns
    (`accord.reports.figures`), the level and times on the target's own clock."""
    return {
        "level": state.level,
        "taken_seconds": taken_seconds(policy, state),
        "paused_seconds": paused_seconds(policy, state, now),
    }


def row_values(state: TargetState, now: datetime, policy: Policy) -> dict[str, Any]:
    """The stored columns of one target as the engine found it as of `now` (no warning)."""
    return {
        **transitions.values(state, None, False),
        **report_values(state, now, policy),
        "computed_at": now,
    }


def next_due(rows: Iterable[SlaTarget]) -> datetime:
    """`Request.next_due`: the nearest due of a target still owed (running or breached,
    not met); NO_DUE when nothing is owed. The queue orders on it."""
    owed = [
        row.due
        for row in rows
        if row.due is not None and row.met_at is None and row.state in ("running", "breached")
    ]
    return min(owed, default=NO_DUE)
