"""SLA targets of a request, computed by the engine from its event log.

`evaluate_request` is what every read uses (as of the moment of the read);
`store_targets` keeps the `SlaTarget` rows in step after each change, for
queue queries on (state, due). Both feed the engine exactly the timeline
`accord sla replay` would get for the same events.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from accord.contracts.policy_versions import policy_version
from accord.sla import Evaluation, Event, Policy, TargetState, evaluate
from accord.sla.jsonio import iso, target_to_json
from accord.tickets.log import ENGINE_EVENT_TYPES, voided_in
from accord.tickets.models import NO_DUE, Request, Scope, SlaTarget
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


def targets_json(request: Request, as_of: datetime) -> dict[str, Any]:
    """{"first_response": T, "resolution": T} as of `as_of`; T is null when none applies."""
    if not targets_apply(request):
        return {"first_response": None, "resolution": None}
    ev = evaluate_request(request, as_of)
    zone = policy_of(request).zone
    return {
        "first_response": target_to_json(ev.first_response, zone),
        "resolution": target_to_json(ev.resolution, zone),
    }


def notice_json(request: Request) -> str | None:
    return iso(request.notice, policy_of(request).zone)


def store_targets(
    request: Request, now: datetime, evaluation: Evaluation | None = None, *, new: bool = False
) -> list[SlaTarget]:
    """Recompute the stored rows as of `now`; rows of targets that no longer apply go.

    `evaluation`: the request's evaluation as of `now` when the caller already has it.
    `new`: the request was created in this transaction, so it has no rows yet.
    The caller holds the request row lock, so the rows read here stay as read: one
    read, then an insert of the new kinds, an update per existing kind and one delete
    of the kinds that no longer apply.
    """
    if targets_apply(request):
        ev = evaluate_request(request, now) if evaluation is None else evaluation
        states = ev.targets
    else:
        states = {}
    existing = {} if new else {row.kind: row for row in SlaTarget.objects.filter(request=request)}
    kept: list[SlaTarget] = []
    created: list[SlaTarget] = []
    for kind, state in states.items():
        if state is None:
            continue
        values = row_values(state, now)
        row = existing.pop(kind, None)
        if row is None:
            row = SlaTarget(request=request, kind=kind, **values)
            created.append(row)
        else:
            for name, value in values.items():
                setattr(row, name, value)
            row.save(update_fields=list(values))
        kept.append(row)
    if created:
        SlaTarget.objects.bulk_create(created)
    if existing:
        SlaTarget.objects.filter(pk__in=[row.pk for row in existing.values()]).delete()
    nearest = next_due(kept)
    if request.next_due != nearest:
        request.next_due = nearest
        Request.objects.filter(pk=request.pk).update(next_due=nearest)
    return kept


def row_values(state: TargetState, now: datetime) -> dict[str, Any]:
    """The stored columns of one target as the engine found it as of `now`."""
    return {
        "state": state.state,
        "due": state.due if state.state != "paused" else None,
        "met_at": state.met_at,
        "breached_at": state.breached_at,
        "clock": state.clock,
        "within_seconds": state.within_seconds,
        "clause": state.clause,
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
