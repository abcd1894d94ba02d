"""Recording the transitions that time alone causes: warnings and breaches.

Every change to a request recomputes its stored targets under the request lock
(`store_targets`), so between changes a stored `running` row is exact: its
clock runs until `due` and consumed its warning share at `warn_at`. Time alone
therefore needs no engine run: a running row whose due has passed breached at
that due, and one whose `warn_at` has passed is due a warning. `record_due`
finds them through two partial indexes (running rows by `due`; running,
unwarned rows by `warn_at`), and in one transaction per batch moves the rows
and inserts one `SlaTransition` each.

Exactly once, with any number of workers: on PostgreSQL the batch is selected
`FOR UPDATE SKIP LOCKED`, so two workers take disjoint rows, and a service that
changes the same request reads the target rows `FOR UPDATE` too (it waits for
the batch, then sees the moved rows); on SQLite every write transaction is
IMMEDIATE, so batches and services run one at a time. The row update and the
transition insert commit together: a worker killed half-way leaves neither.
Alerts are sent from the transition rows afterwards (accord.notify.alerts).
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection, transaction
from django.db.models import F, Q, QuerySet

from accord.tickets.models import SlaTarget, SlaTransition, TargetState

BATCH = 1000


def _claim(due: Q, order: str, limit: int) -> list[SlaTarget]:
    rows: QuerySet[SlaTarget] = (
        SlaTarget.objects.filter(due).select_related("request").order_by(order)
    )
    if connection.vendor == "postgresql":
        rows = rows.select_for_update(skip_locked=True, of=("self",))
    return list(rows[:limit])


def _transition(row: SlaTarget, kind: str, at: datetime, now: datetime) -> SlaTransition:
    request = row.request
    return SlaTransition(
        request=request,
        target=row.kind,
        kind=kind,
        at=at,
        due=row.due,
        level=request.level,
        policy=request.policy,
        policy_version=request.policy_version,
        clause=row.clause,
        clock=row.clock,
        recorded=now,
    )


@transaction.atomic
def record_breaches(now: datetime, limit: int = BATCH) -> int:
    """Running targets whose due has passed become breached at their due; how many."""
    rows = _claim(Q(state=TargetState.RUNNING, due__lt=now), "due", limit)
    if not rows:
        return 0
    SlaTarget.objects.filter(pk__in=[row.pk for row in rows]).update(
        state=TargetState.BREACHED, breached_at=F("due"), computed_at=now
    )
    SlaTransition.objects.bulk_create(
        [_transition(row, SlaTransition.Kind.BREACHED, row.due, now) for row in rows if row.due]
    )
    return len(rows)


@transaction.atomic
def record_warnings(now: datetime, limit: int = BATCH) -> int:
    """Running, unwarned targets whose warning instant has passed get their warning."""
    due = Q(state=TargetState.RUNNING, warned=False, warn_at__lte=now, due__gte=now)
    rows = _claim(due, "warn_at", limit)
    if not rows:
        return 0
    SlaTarget.objects.filter(pk__in=[row.pk for row in rows]).update(warned=True)
    SlaTransition.objects.bulk_create(
        [
            _transition(row, SlaTransition.Kind.WARNING, row.warn_at, now)
            for row in rows
            if row.warn_at
        ]
    )
    return len(rows)


def record_due(now: datetime, limit: int = BATCH) -> int:
    """One batch of breaches, then one of warnings; the number of transitions recorded."""
    return record_breaches(now, limit) + record_warnings(now, limit)
