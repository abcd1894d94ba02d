"""Voiding a wrong event: appended, audited, shown, and the request replayed without it."""

from __future__ import annotations

import pytest

from accord.audit.models import AuditEntry
from accord.tickets.models import Event


def test_it_voids_a_wrongly_dated_reply_and_replays_the_request(desk, api_as, clock, number):
    lead, agent = api_as(desk.lead_token), api_as(desk.agent_token)
    # An import (lead has the import permission) dated a year ahead by mistake...
    wrong = lead.post(f"/requests/{number}/replies", {"body": "x", "at": "2027-11-01T00:00:00Z"})
    assert wrong.status_code == 200, wrong.content
    seq = wrong.json()["events"][-1]["seq"]
    # ...blocks every live change: the log may not go back in time.
    blocked = agent.post(f"/requests/{number}/status", {"to": "waiting_on_customer"})
    assert (blocked.status_code, blocked.json()["field"]) == (422, "at")

    assert (
        agent.post(f"/requests/{number}/void", {"event": seq, "reason": "typo"}).status_code == 403
    )
    voided = lead.post(
        f"/requests/{number}/void", {"event": seq, "reason": "dated 2027 by mistake"}
    )
    assert voided.status_code == 200, voided.content
    body = voided.json()
    events = {e["seq"]: e for e in body["events"]}
    assert events[seq]["voided"] is True
    last = body["events"][-1]
    assert (last["kind"], last["voids"], last["reason"]) == ("void", seq, "dated 2027 by mistake")
    # Replayed without it: the agent's live reply now meets first response.
    assert AuditEntry.objects.filter(action="request.void_event").count() == 1
    replied = agent.post(f"/requests/{number}/replies", {"body": "Looking into it"})
    assert replied.status_code == 200, replied.content
    assert replied.json()["targets"]["first_response"]["met_at"] == clock.at.isoformat()
    moved = agent.post(f"/requests/{number}/status", {"to": "waiting_on_customer"})
    assert moved.status_code == 200, moved.content
    assert moved.json()["status"] == "waiting_on_customer"
    # Nothing was rewritten: the wrong event is still in the log.
    assert Event.objects.filter(seq=seq, kind="agent_reply").count() == 1


def test_voiding_a_status_change_replays_the_status(desk, api_as, number):
    lead = api_as(desk.lead_token)
    r = lead.post(f"/requests/{number}/status", {"to": "resolved"})
    assert r.json()["status"] == "resolved"
    seq = r.json()["events"][-1]["seq"]
    again = lead.post(f"/requests/{number}/void", {"event": seq, "reason": "wrong request"})
    assert again.status_code == 200, again.content
    assert again.json()["status"] == "open"
    twice = lead.post(f"/requests/{number}/void", {"event": seq, "reason": "again"})
    assert (twice.status_code, twice.json()["field"]) == (409, "event")


@pytest.mark.parametrize(
    "body,field",
    [
        ({"event": 1, "reason": "desk events cannot be voided"}, "event"),
        ({"event": 999, "reason": "no such event"}, "event"),
        ({"event": 2, "reason": "  "}, "reason"),
        ({"event": 10**12, "reason": "x"}, "event"),
    ],
)
def test_it_refuses_a_bad_void_naming_the_field(desk, api_as, number, body, field):
    r = api_as(desk.lead_token).post(f"/requests/{number}/void", body)
    assert (r.status_code, r.json()["field"]) == (422, field), r.content


def test_the_void_shows_in_the_desk_log(desk, api_as, number, client):
    from django.contrib.auth.models import User

    lead = api_as(desk.lead_token)
    r = lead.post(f"/requests/{number}/replies", {"body": "oops", "public": False})
    seq = r.json()["events"][-1]["seq"]
    lead.post(f"/requests/{number}/void", {"event": seq, "reason": "posted on the wrong request"})
    client.force_login(User.objects.get(username="lead"))
    page = client.get(f"/requests/{number}/")
    assert page.status_code == 200
    assert b"VOIDED" in page.content and b"posted on the wrong request" in page.content
