"""`ingest` stores and processes in one transaction; the raw message survives every failure."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from accord.intake import pipeline
from accord.intake.models import RawMessage
from accord.notify.models import Outbox
from accord.tickets.models import Event, Message, Request
from intake.support import deliver, message


def _fail_after_opening(monkeypatch: Any, exc: Exception) -> None:
    """Processing fails once the request, its messages and its log are written."""

    def participants(*args: Any, **kwargs: Any) -> None:
        assert Request.objects.count() == 1  # written, inside the savepoint
        raise exc

    monkeypatch.setattr(pipeline, "_participants", participants)


def test_it_commits_the_raw_message_and_its_request_together(mail_desk: Any) -> None:
    with CaptureQueriesContext(connection) as queries:
        result = deliver(message())
    sqls = [q["sql"] for q in queries.captured_queries]
    first = next(i for i, sql in enumerate(sqls) if sql.upper() == "COMMIT")
    # One commit holds the raw row, the request, its messages and its outbox row;
    # what commits after it is follow-up work announced on commit (desk-event alerts).
    for table in ("intake_rawmessage", "tickets_request", "tickets_message", "notify_outbox"):
        assert any(f'INSERT INTO "{table}"' in sql for sql in sqls[:first]), table
        assert not any(f'INSERT INTO "{table}"' in sql for sql in sqls[first:]), table
    assert all(e.alerted is not None for e in Event.objects.filter(request=result.raw.request))
    assert result.raw.state == "processed" and result.raw.attempts == 1
    assert Outbox.objects.get().request == result.raw.request


def test_a_failure_while_processing_keeps_the_raw_message_and_nothing_else(
    mail_desk: Any, monkeypatch: Any
) -> None:
    _fail_after_opening(monkeypatch, RuntimeError("a bug"))
    raw = message()
    result = deliver(raw)
    row = RawMessage.objects.get()
    assert result.raw.pk == row.pk and result.first_delivery
    assert row.state == "quarantined" and row.reason == "RuntimeError: a bug"
    assert bytes(row.raw) == raw and row.request is None and row.processed_at is not None
    assert Request.objects.count() == 0 and Message.objects.count() == 0
    assert Outbox.objects.count() == 0
    monkeypatch.undo()
    assert pipeline.retry(row.pk).state == "processed"
    assert Request.objects.count() == 1 and Outbox.objects.count() == 1


def test_a_temporary_failure_while_processing_leaves_the_raw_message_pending(
    mail_desk: Any, monkeypatch: Any
) -> None:
    from accord.worker.tasks import process_pending_mail

    _fail_after_opening(monkeypatch, OperationalError("database is locked"))
    raw = message()
    with pytest.raises(OperationalError):
        deliver(raw)  # `accord mail ingest` exits 75: the MTA keeps it and retries
    row = RawMessage.objects.get()
    assert row.state == "pending" and bytes(row.raw) == raw and row.request is None
    assert Request.objects.count() == 0 and Outbox.objects.count() == 0
    monkeypatch.undo()
    assert process_pending_mail(grace=timedelta(0)) == 1
    assert deliver(raw).raw.state == "processed"  # the MTA's retry finds it done
    assert Request.objects.count() == 1 and Outbox.objects.count() == 1
