"""Every instant a client gives is bounded; the import permission is only explicit."""

from __future__ import annotations

import pytest

from accord.accounts import services as accounts
from accord.tickets.models import Event, Request

from .conftest import GOOD

EXTREME = [
    ("9999-12-31T23:59:59+00:00", "before 2200"),
    ("0001-01-01T00:00:00+00:00", "before 2000"),
    ("1999-12-31T23:59:59+00:00", "before 2000"),
    ("2026-11-20T03:30:00+15:00", "offset"),
    ("2026-11-20T03:30:00-15:59", "offset"),
]


@pytest.mark.parametrize("given,why", EXTREME)
def test_it_refuses_extreme_instants_even_from_an_importer(desk, api_as, number, given, why):
    events = Event.objects.count()
    lead = api_as(desk.lead_token)  # admin with the import permission
    reply = lead.post(f"/requests/{number}/replies", {"body": "x", "at": given})
    assert (reply.status_code, reply.json()["field"]) == (422, "at"), reply.content
    opened = lead.post("/requests", {**GOOD, "contact": desk.mere.pk, "received": given})
    assert (opened.status_code, opened.json()["field"]) == (422, "received")
    listed = lead.get("/requests", due_before=given)
    assert (listed.status_code, listed.json()["field"]) == (422, "due_before")
    assert Event.objects.count() == events


def test_it_refuses_an_import_beyond_the_rehearsal_window(desk, api_as, number):
    lead = api_as(desk.lead_token)
    far = lead.post(f"/requests/{number}/replies", {"body": "x", "at": "2100-01-01T00:00:00Z"})
    assert (far.status_code, far.json()["field"]) == (422, "at")
    assert "400 days" in far.json()["detail"]
    # So a live reply and status change afterwards still work.
    agent = api_as(desk.agent_token)
    assert agent.post(f"/requests/{number}/replies", {"body": "on it"}).status_code == 200
    r = agent.post(f"/requests/{number}/status", {"to": "resolved"})
    assert r.status_code == 200, r.content


def test_a_live_client_may_not_give_an_instant_in_the_future(desk, api_as, number):
    r = api_as(desk.agent_token).post(
        f"/requests/{number}/replies", {"body": "x", "at": "2026-11-20T03:32:00Z"}
    )
    assert (r.status_code, r.json()["field"]) == (422, "at")


def test_an_admin_role_does_not_imply_the_import_permission(desk, api_as, number, clock):
    accounts.create_user("boss", role="admin", now=clock.at)
    token = accounts.create_token(user="boss", now=clock.at)
    r = api_as(token).post(
        f"/requests/{number}/replies", {"body": "x", "at": "2026-11-19T10:00:00+13:00"}
    )
    assert (r.status_code, r.json()["field"]) == (403, "at")
    assert "import permission" in r.json()["detail"]
    assert Request.objects.get(number=int(number.split("-")[1])).events.count() > 0


def test_a_cursor_with_an_extreme_instant_is_refused(desk, api_as, number):
    import base64
    import json

    for value in (["9999-12-31T23:59:59+14:00", 1], ["2026-11-20T00:00:00+00:00", 2**70]):
        cursor = base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")
        r = api_as(desk.agent_token).get("/requests", cursor=cursor)
        assert (r.status_code, r.json()["field"]) == (422, "cursor")
