"""Opening a request costs a fixed number of statements, whatever the desk holds.

The engine runs once per creation and each table a creation writes gets one
insert (`accord.tickets.intake.open_request_acknowledged`); the API's answer and
the on-commit work (the acknowledgement's outbox row, the desk events' alerts)
add a constant few. Counted with `CaptureQueriesContext`, never timed.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from django.db import connection
from django.db.models import Max
from django.test.utils import CaptureQueriesContext

from accord.tickets import intake, targets
from accord.tickets.inbound import FirstMessage, NewFile
from accord.tickets.models import Attachment, Request, RequestCounter, SearchDocument
from accord.tickets.numbering import COUNTER

from .test_listing import _grow as _copies


def _grow(to: int) -> None:
    """`to` requests stored, the number counter past the copies' numbers."""
    _copies(to)
    top = Request.objects.aggregate(m=Max("number"))["m"]
    RequestCounter.objects.filter(name=COUNTER).update(last=top)


INSERT = re.compile(r'^INSERT INTO "?(\w+)"?', re.IGNORECASE)


@pytest.fixture
def engine_runs(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every evaluation the desk asks the engine for, from here on."""
    runs: list[object] = []
    real = targets.evaluate

    def counted(*args: Any, **kwargs: Any) -> Any:
        runs.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(targets, "evaluate", counted)
    return runs


def _body(desk: Any, i: int) -> dict[str, Any]:
    return {
        "contact": desk.mere.pk,
        "channel": "api",
        "level": "high" if i % 2 else "low",
        "subject": f"Case {i}",
        "description": "The export fails.",
    }


def _open_over_api(api: Any, desk: Any, i: int, capture_on_commit: Any) -> list[str]:
    with CaptureQueriesContext(connection) as ctx, capture_on_commit(execute=True):
        response = api.post("/requests", _body(desk, i))
    assert response.status_code == 201, response.content
    return [q["sql"] for q in ctx.captured_queries]


def test_it_opens_a_request_in_the_same_statements_at_10_and_1000_requests(
    desk, api_as, django_capture_on_commit_callbacks
):
    lead = api_as(desk.lead_token)
    _open_over_api(lead, desk, 0, django_capture_on_commit_callbacks)  # per-process caches
    _grow(10)
    small = _open_over_api(lead, desk, 1, django_capture_on_commit_callbacks)
    _grow(1000)
    large = _open_over_api(lead, desk, 3, django_capture_on_commit_callbacks)
    assert len(large) == len(small), (len(small), len(large))
    # The answer is the request as stored: its targets, messages and log.
    detail = lead.get("/requests?limit=1").json()["items"][0]
    assert detail["targets"]["first_response"]["state"] == "running"


def test_it_writes_each_table_of_a_creation_in_one_insert(desk, engine_runs):
    files = [NewFile(f"log{i}.txt", "text/plain", b"line %d\n" % i) for i in range(3)]
    intake.open_request(  # the first writes the policy version and the counter rows
        desk.lead,
        contact=desk.mere.pk,
        channel="email",
        level="low",
        subject="First",
        description="The first request of the desk.",
    )
    engine_runs.clear()
    with CaptureQueriesContext(connection) as ctx:
        request = intake.open_request(
            desk.lead,
            contact=desk.mere.pk,
            channel="email",
            level="urgent",
            subject="Export fails",
            description="The export fails.",
            first=FirstMessage("The export fails.", files=files),
        )
    inserts = Counter(
        m.group(1) for q in ctx.captured_queries if (m := INSERT.match(q["sql"].lstrip()))
    )
    assert inserts == {
        "tickets_request": 1,
        "tickets_message": 1,  # the customer's message and the acknowledgement
        "tickets_attachment": 1,  # three files
        "tickets_event": 1,
        "tickets_slatarget": 1,
        "tickets_searchdocument": 1,
        "audit_auditentry": 1,
    }, inserts
    assert not [q for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE")][
        1:
    ], "only the number counter is updated"
    assert len(engine_runs) == 1, "the engine runs once per creation"
    stored = Request.objects.get(pk=request.pk)
    assert stored.next_due == min(t.due for t in stored.targets.all() if t.due is not None)
    inbound, ack = stored.messages.order_by("pk")
    assert (inbound.direction, ack.direction, ack.automated) == ("inbound", "outbound", True)
    assert list(Attachment.objects.filter(message=inbound).values_list("filename", flat=True)) == [
        "log0.txt",
        "log1.txt",
        "log2.txt",
    ]
    doc = SearchDocument.objects.get(request=stored)
    assert doc.body == "The export fails." and stored.display_number in doc.head


def test_a_created_request_is_found_by_search_as_one_saved_piece_by_piece(desk):
    """The document written at once equals what the save receivers rebuild."""
    from accord.tickets import search

    request = intake.open_request(
        desk.lead,
        contact=desk.mere.pk,
        channel="portal",
        level="low",
        subject="Licence key rejected",
        description="The key is rejected after the upgrade.",
    )
    written = SearchDocument.objects.values("head", "body", "notes").get(request=request)
    search.rebuild(Request.objects.filter(pk=request.pk))
    assert SearchDocument.objects.values("head", "body", "notes").get(request=request) == written
