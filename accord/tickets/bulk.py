"""Inserting many rows at once: `COPY` on PostgreSQL, `bulk_create` elsewhere.

A bulk import writes tens of thousands of rows per batch. Django's
`bulk_create` compiles one parameter per value in Python, which is most of an
import's time; PostgreSQL's `COPY ... FROM STDIN` takes the rows as they are,
with psycopg adapting the values in C. Primary keys the caller needs afterwards
(requests, messages: other rows point at them) are drawn from the table's
sequence in one query first, so they are known before the rows are written,
exactly as `bulk_create` would have set them.

The values written are what Django would send: each field's `get_db_prep_save`,
skipped for the field types whose Python values psycopg adapts as they are
(text, integers, booleans, aware datetimes, keys), so both paths store the
same rows (the import tests run on both databases).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import (
    BooleanField,
    CharField,
    DateTimeField,
    Field,
    ForeignKey,
    IntegerField,
    Model,
    TextField,
)

M = TypeVar("M", bound=Model)
# Values of these fields go to COPY as they are (JSON, decimals... are prepared).
AS_IS = (BooleanField, CharField, DateTimeField, ForeignKey, IntegerField, TextField)


def _as_is(field: Field) -> bool:  # type: ignore[type-arg]
    return isinstance(field, AS_IS)


def insert(objs: Sequence[M], *, need_ids: bool = False) -> Sequence[M]:
    """Insert unsaved `objs` of one model; with `need_ids`, their `pk`s are set."""
    if not objs:
        return objs
    model = type(objs[0])
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return model._default_manager.bulk_create(objs)  # sets pks on SQLite 3.35+
    meta = model._meta
    table = meta.db_table
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    pk = meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        if need_ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk.column, len(objs)],
            )
            for obj, (value,) in zip(objs, cursor.fetchall(), strict=True):
                obj.pk = value
            fields = [pk, *fields]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(str(f.column)) for f in fields)
        prepared = [(i, f) for i, f in enumerate(fields) if not _as_is(f)]
        order = [f.attname for f in fields]
        with cursor.cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                values = obj.__dict__
                row = [values[name] for name in order]
                for i, f in prepared:
                    row[i] = f.get_db_prep_save(row[i], connection)
                copy.write_row(row)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs
