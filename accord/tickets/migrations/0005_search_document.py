"""The search documents, their index on each engine, and a backfill.

PostgreSQL: a GIN index on the weighted tsvector `accord.tickets.search`
queries (the expression must stay identical to `search.PG_VECTOR`).
SQLite: an FTS5 table with porter stemming over the document table, kept
equal to it by three triggers (FTS5's "external content" pattern).
"""

import django.db.models.deletion
from django.db import migrations, models

PG_CREATE = [
    "CREATE INDEX tickets_search_gin ON tickets_searchdocument USING GIN ("
    "(setweight(to_tsvector('english', head), 'A') || "
    "setweight(to_tsvector('english', body), 'B') || "
    "setweight(to_tsvector('english', notes), 'C')))"
]
PG_DROP = ["DROP INDEX IF EXISTS tickets_search_gin"]

_COLS = "head, body, notes"
SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE tickets_search_fts USING fts5({_COLS}, "
    "content='tickets_searchdocument', content_rowid='request_id', "
    "tokenize='porter unicode61')",
    "CREATE TRIGGER tickets_search_ai AFTER INSERT ON tickets_searchdocument BEGIN "
    f"INSERT INTO tickets_search_fts(rowid, {_COLS}) "
    "VALUES (new.request_id, new.head, new.body, new.notes); END",
    "CREATE TRIGGER tickets_search_ad AFTER DELETE ON tickets_searchdocument BEGIN "
    f"INSERT INTO tickets_search_fts(tickets_search_fts, rowid, {_COLS}) "
    "VALUES ('delete', old.request_id, old.head, old.body, old.notes); END",
    "CREATE TRIGGER tickets_search_au AFTER UPDATE ON tickets_searchdocument BEGIN "
    f"INSERT INTO tickets_search_fts(tickets_search_fts, rowid, {_COLS}) "
    "VALUES ('delete', old.request_id, old.head, old.body, old.notes); "
    f"INSERT INTO tickets_search_fts(rowid, {_COLS}) "
    "VALUES (new.request_id, new.head, new.body, new.notes); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS tickets_search_au",
    "DROP TRIGGER IF EXISTS tickets_search_ad",
    "DROP TRIGGER IF EXISTS tickets_search_ai",
    "DROP TABLE IF EXISTS tickets_search_fts",
]


def _run(schema_editor, statements):
    for sql in statements:
        schema_editor.execute(sql)


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, PG_CREATE)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_CREATE)


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, PG_DROP)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_DROP)


def backfill(apps, schema_editor):
    from accord.tickets.search import rebuild

    rebuild(
        request_model=apps.get_model("tickets", "Request"),
        message_model=apps.get_model("tickets", "Message"),
        document_model=apps.get_model("tickets", "SearchDocument"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0004_billing"),
        ("contracts", "0003_policy_version"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "request",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="tickets.request",
                    ),
                ),
                ("head", models.TextField()),
                (
                    "body",
                    models.TextField(blank=True, help_text="public, non-automated messages"),
                ),
                (
                    "notes",
                    models.TextField(blank=True, help_text="internal notes: staff searches only"),
                ),
            ],
        ),
        migrations.RunPython(create_index, drop_index),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
