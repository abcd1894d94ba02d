"""Cursor (keyset) pagination: stable under inserts, O(page) at any depth.

A cursor is the sort value and id of the last row seen, base64-encoded JSON;
clients treat it as opaque. Used by the REST API and the web queue, so it lives
below both.

The "after the cursor" condition is written `field >= v AND (field > v OR id > pk)`
rather than the plain disjunction: the first conjunct is a range condition an
index on `(field, id)` can start from, so a deep page reads only its own rows
(PostgreSQL cannot start an index scan from an OR).
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from accord.errors import Invalid
from accord.timing import bounds_problem

MAX_LIMIT = 200
MAX_INT = 2**63 - 1  # the largest id or number a database column holds
M = TypeVar("M", bound=Model)


def encode(value: Any, pk: int) -> str:
    raw = value.isoformat() if isinstance(value, datetime) else value
    return base64.urlsafe_b64encode(json.dumps([raw, pk]).encode()).decode().rstrip("=")


def decode(cursor: str, is_datetime: bool) -> tuple[Any, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw, pk = json.loads(base64.urlsafe_b64decode(padded))
        value: datetime | int
        if is_datetime:
            value = datetime.fromisoformat(raw)
            if value.tzinfo is None or bounds_problem(value) is not None:
                raise ValueError(raw)
        else:
            value = int(raw)
            if abs(value) > MAX_INT:
                raise ValueError(raw)
        if not isinstance(pk, int) or not 0 <= pk <= MAX_INT:
            raise ValueError(pk)
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError):
        raise Invalid("cursor", "not a cursor this API returned") from None
    return value, pk


def page(
    qs: QuerySet[M],
    field: str,
    descending: bool,
    cursor: str | None,
    limit: int,
    is_datetime: bool,
) -> tuple[list[M], str | None]:
    """One page ordered by (field, id), after `cursor`; returns rows and the next cursor."""
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid("limit", f"between 1 and {MAX_LIMIT}")
    if cursor:
        value, pk = decode(cursor, is_datetime)
        op = "lt" if descending else "gt"
        qs = qs.filter(
            Q(**{f"{field}__{op}e": value}),
            Q(**{f"{field}__{op}": value}) | Q(**{f"pk__{op}": pk}),
        )
    sign = "-" if descending else ""
    rows = list(qs.order_by(f"{sign}{field}", f"{sign}pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = encode(getattr(rows[-1], field), rows[-1].pk) if more and rows else None
    return rows, nxt
