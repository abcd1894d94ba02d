"""Claiming due rows atomically, so that several workers never take the same one.

On PostgreSQL: `SELECT ... FOR UPDATE SKIP LOCKED` picks rows nobody holds,
and an UPDATE in the same transaction marks them. On SQLite (one writer at a
time, no row locks): each candidate is taken by a conditional UPDATE that
repeats the due condition, so only one worker's UPDATE matches the row.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import connection, models, transaction
from django.db.models import Q

M = TypeVar("M", bound=models.Model)


def claim(model: type[M], due: Q, order_by: str, limit: int, **mark: Any) -> list[M]:
    """Rows matching `due` (at most `limit`), now marked with `mark` and owned by the caller."""
    if connection.vendor == "postgresql":
        with transaction.atomic():
            ids = list(
                model._default_manager.filter(due)
                .order_by(order_by)
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)[:limit]
            )
            if ids:
                model._default_manager.filter(pk__in=ids).update(**mark)
    else:
        candidates = list(
            model._default_manager.filter(due)
            .order_by(order_by)
            .values_list("pk", flat=True)[:limit]
        )
        ids = [
            pk for pk in candidates if model._default_manager.filter(due, pk=pk).update(**mark) == 1
        ]
    return list(model._default_manager.filter(pk__in=ids).order_by(order_by))
