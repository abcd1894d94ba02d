"""Service request numbers: unique, monotonic, never reused, safe under concurrency.

One counter row is incremented inside the transaction that creates the
request. The UPDATE takes the row lock, so concurrent creations on PostgreSQL
queue behind each other until the holder commits; a rolled-back creation also
rolls back its increment, so no number is ever skipped by a failure nor given
twice. SQLite serialises writers anyway.
"""

from __future__ import annotations

import contextlib

from django.db import IntegrityError, transaction
from django.db.models import F

from accord.tickets.models import RequestCounter

COUNTER = "request"
# Numbers start above 1000 so that every number has at least four digits.
FIRST = 1001


def next_number(counter: str = COUNTER, first: int = FIRST) -> int:
    """The next number of `counter`; must be called inside the creating transaction.

    Other gapless sequences use their own counter row the same way (invoice
    numbers: one row per year, accord/invoices/services.py).
    """
    return next_numbers(1, counter, first)[0]


def next_numbers(count: int, counter: str = COUNTER, first: int = FIRST) -> range:
    """`count` consecutive numbers in one statement (a bulk import's block); same
    contract as `next_number`: inside the creating transaction, never given twice."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the creating transaction")
    last = _increment(count, counter)
    if last is None:
        # If another transaction created the row first, its row lock now orders us.
        with contextlib.suppress(IntegrityError), transaction.atomic():
            RequestCounter.objects.create(name=counter, last=first - 1)
        last = _increment(count, counter)
    if last is None:
        raise RuntimeError(f"the {counter} counter row is missing")
    return range(last - count + 1, last + 1)


def _increment(count: int = 1, counter: str = COUNTER) -> int | None:
    """Add `count` to the counter and read it back in the same statement (None: no row).

    UPDATE ... RETURNING (PostgreSQL; SQLite since 3.35) takes the row lock and
    returns the value this transaction wrote, in one round trip.
    """
    conn = transaction.get_connection()
    if not conn.features.can_return_columns_from_insert:  # SQLite before 3.35: no RETURNING
        if not RequestCounter.objects.filter(name=counter).update(last=F("last") + count):
            return None
        return RequestCounter.objects.values_list("last", flat=True).get(name=counter)
    q = conn.ops.quote_name
    table, last, name = q(RequestCounter._meta.db_table), q("last"), q("name")
    with conn.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {last} = {last} + %s WHERE {name} = %s RETURNING {last}",
            [count, counter],
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])
