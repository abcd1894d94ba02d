"""Recording the transitions that time alone causes: warnings and breaches.

Every change to a request recomputes its stored targets under the request lock
(`store_targets`), so between changes a stored `running` row is exact: its
clock runs until `due` and consumed its warning share at `warn_at`. Time alone
therefore needs no engine run: a running row whose due has passed breached at
that due, and one whose `warn_at` has passed is due a warning. `record_due`
finds them through two partial indexes (running rows by `due`; running,
unwarned rows by `warn_at`), and in one transaction per batch moves the rows
and inserts one `SlaTransition` each, set-based: one SELECT of ids, one
INSERT ... SELECT, one UPDATE per batch, whatever its size.

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
from typing import Any

from django.db import connection, transaction

from accord.tickets.models import Request, SlaTarget, SlaTransition, TargetState

BATCH = 5000
_COLUMNS = (
    "request_id, target, kind, at, due, level, policy, policy_version, clause, clock, "
    "recorded, alerted"
)


def _move(
    where: str,
    params: list[Any],
    order: str,
    sets: str,
    kind: str,
    at: str,
    now: datetime,
    limit: int,
) -> int:
    """Move one batch of rows matching `where` (SQL on table `t`) and record a transition each.

    `sets`: the SET clause for the moved rows; `at`: the column whose value is the
    instant the transition took effect. Returns how many rows moved.
    """
    t, r, s = SlaTarget._meta.db_table, Request._meta.db_table, SlaTransition._meta.db_table
    stamp = connection.ops.adapt_datetimefield_value(now)
    pick = f"SELECT id FROM {t} WHERE {where} ORDER BY {order}, id LIMIT %s"
    copy = (
        f"SELECT m.request_id, m.kind, %s, m.{at}, m.due, r.level, r.policy, "
        f"r.policy_version, m.clause, m.clock, %s, NULL"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement: claim (SKIP LOCKED), move, and insert from what moved.
            cursor.execute(
                f"WITH c AS ({pick} FOR UPDATE SKIP LOCKED),"
                f" m AS (UPDATE {t} SET {sets} FROM c WHERE {t}.id = c.id RETURNING {t}.*)"
                f" INSERT INTO {s} ({_COLUMNS}) {copy}"
                f" FROM m JOIN {r} r ON r.id = m.request_id",
                [*params, limit, now, kind, stamp],
            )
            return cursor.rowcount
        # SQLite: the write lock is held from BEGIN IMMEDIATE, so the two statements
        # pick the same rows (same condition, same order, nothing else writes between).
        cursor.execute(
            f"INSERT INTO {s} ({_COLUMNS}) {copy} FROM {t} m JOIN {r} r ON r.id = m.request_id"
            f" WHERE m.id IN ({pick}) ORDER BY m.{at}, m.id",
            [kind, stamp, *params, limit],
        )
        cursor.execute(f"UPDATE {t} SET {sets} WHERE id IN ({pick})", [stamp, *params, limit])
        return cursor.rowcount


@transaction.atomic
def record_breaches(now: datetime, limit: int = BATCH) -> int:
    """Running targets whose due has passed become breached at their due; how many."""
    stamp = connection.ops.adapt_datetimefield_value(now)
    return _move(
        "state = %s AND due < %s",
        [TargetState.RUNNING, stamp],
        "due",
        f"state = '{TargetState.BREACHED}', breached_at = due, computed_at = %s",
        SlaTransition.Kind.BREACHED,
        "due",
        now,
        limit,
    )


@transaction.atomic
def record_warnings(now: datetime, limit: int = BATCH) -> int:
    """Running, unwarned targets whose warning instant has passed get their warning."""
    stamp = connection.ops.adapt_datetimefield_value(now)
    return _move(
        "state = %s AND warned = %s AND warn_at <= %s AND due >= %s",
        [TargetState.RUNNING, False, stamp, stamp],
        "warn_at",
        "warned = TRUE, computed_at = %s",
        SlaTransition.Kind.WARNING,
        "warn_at",
        now,
        limit,
    )


def record_due(now: datetime, limit: int = BATCH) -> int:
    """One batch of breaches, then one of warnings; the number of transitions recorded."""
    return record_breaches(now, limit) + record_warnings(now, limit)
