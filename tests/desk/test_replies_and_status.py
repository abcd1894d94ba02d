"""Replies, notes and the status workflow, and what each does to the clocks."""

from __future__ import annotations

from datetime import timedelta

import pytest

from .personas import nz

RECEIVED = nz(2026, 11, 20, 16, 30)  # Fri, in capella hours


@pytest.fixture
def urgent(desk, api_as, clock):
    r = api_as(desk.lead_token).post(
        "/requests",
        {
            "contact": desk.mere.pk,
            "channel": "email",
            "level": "urgent",
            "received": RECEIVED.isoformat(),
            "subject": "Crash",
            "description": "It crashes.",
        },
    )
    assert r.status_code == 201, r.content
    return r.json()["number"]


def _at(api, number, path, body, when, clock):
    clock.set(when)
    return api.post(f"/requests/{number}/{path}", body)


def test_it_meets_first_response_with_a_public_agent_reply(desk, api_as, clock, urgent):
    r = _at(
        api_as(desk.agent_token),
        urgent,
        "replies",
        {"body": "Looking now."},
        nz(2026, 11, 23, 9, 15),
        clock,
    )
    assert r.status_code == 200, r.content
    fr = r.json()["targets"]["first_response"]
    assert fr == {
        "state": "met",
        "due": "2026-11-23T09:30:00+13:00",
        "met_at": "2026-11-23T09:15:00+13:00",
        "breached_at": None,
    }


def test_it_does_not_count_an_internal_note_or_the_acknowledgement(desk, api_as, clock, urgent):
    r = _at(
        api_as(desk.agent_token),
        urgent,
        "replies",
        {"body": "Checking logs", "public": False},
        nz(2026, 11, 23, 9, 15),
        clock,
    )
    assert r.json()["targets"]["first_response"]["state"] == "running"
    kinds = [e["kind"] for e in r.json()["events"]]
    assert kinds[-1] == "internal_note" and "auto_reply" in kinds


def test_it_reports_a_late_reply_as_breached_and_met(desk, api_as, clock, urgent):
    r = _at(
        api_as(desk.agent_token),
        urgent,
        "replies",
        {"body": "Sorry for the wait."},
        nz(2026, 11, 23, 10),
        clock,
    )
    fr = r.json()["targets"]["first_response"]
    assert fr["state"] == "breached"
    assert fr["breached_at"] == "2026-11-23T09:30:00+13:00"
    assert fr["met_at"] == "2026-11-23T10:00:00+13:00"


def test_it_pauses_resolution_while_waiting_on_the_customer(desk, api_as, clock, urgent):
    agent = api_as(desk.agent_token)
    _at(agent, urgent, "replies", {"body": "Which version?"}, nz(2026, 11, 23, 9), clock)
    r = _at(agent, urgent, "status", {"to": "waiting_on_customer"}, nz(2026, 11, 23, 10), clock)
    res = r.json()["targets"]["resolution"]
    assert (res["state"], res["due"]) == ("paused", None)
    # The customer answers two support hours later: the due moves by exactly that.
    r = _at(
        api_as(desk.mere_token),
        urgent,
        "replies",
        {"body": "Version 5.4"},
        nz(2026, 11, 23, 12),
        clock,
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "open"
    # Wed 16:30 + 2 support hours: 30 min on Wed, 1 h 30 on Thu from 09:00.
    assert body["targets"]["resolution"]["due"] == "2026-11-26T10:30:00+13:00"


def test_it_refuses_a_move_the_workflow_does_not_allow_with_the_reason(desk, api_as, clock, urgent):
    r = _at(
        api_as(desk.agent_token), urgent, "status", {"to": "closed"}, nz(2026, 11, 23, 9), clock
    )
    assert r.status_code == 409
    assert r.json()["field"] == "to"
    assert "cannot go from open to closed" in r.json()["detail"]


def test_it_keeps_a_closed_request_final(desk, api_as, clock, urgent):
    agent = api_as(desk.agent_token)
    _at(agent, urgent, "status", {"to": "resolved"}, nz(2026, 11, 23, 9), clock)
    _at(agent, urgent, "status", {"to": "closed"}, nz(2026, 11, 23, 10), clock)
    for path, body in (
        ("status", {"to": "open"}),
        ("replies", {"body": "more"}),
        ("level", {"to": "low"}),
    ):
        r = _at(agent, urgent, path, body, nz(2026, 11, 23, 11), clock)
        assert r.status_code == 409, (path, r.content)


def test_it_reopens_a_resolved_request_and_resumes_the_clock(desk, api_as, clock, urgent):
    agent = api_as(desk.agent_token)
    r = _at(agent, urgent, "status", {"to": "resolved"}, nz(2026, 11, 23, 9), clock)
    assert r.json()["targets"]["resolution"]["state"] == "met"
    r = _at(agent, urgent, "status", {"to": "open"}, nz(2026, 11, 23, 11), clock)
    res = r.json()["targets"]["resolution"]
    assert res["state"] == "running" and res["met_at"] is None
    assert r.json()["events"][-1]["kind"] == "status"


def test_it_does_not_reopen_a_resolved_request_on_a_customer_reply(desk, api_as, clock, urgent):
    _at(api_as(desk.agent_token), urgent, "status", {"to": "resolved"}, nz(2026, 11, 23, 9), clock)
    r = _at(
        api_as(desk.mere_token),
        urgent,
        "replies",
        {"body": "Thanks!"},
        nz(2026, 11, 23, 9, 5),
        clock,
    )
    assert r.json()["status"] == "resolved"


def test_it_hides_internal_notes_from_the_customer(desk, api_as, clock, urgent):
    _at(
        api_as(desk.agent_token),
        urgent,
        "replies",
        {"body": "secret", "public": False},
        nz(2026, 11, 23, 9),
        clock,
    )
    body = api_as(desk.mere_token).get(f"/requests/{urgent}").json()
    assert all(m["public"] for m in body["messages"])
    assert "internal_note" not in [e["kind"] for e in body["events"]]
    r = api_as(desk.mere_token).post(
        f"/requests/{urgent}/replies", {"body": "note", "public": False}
    )
    assert (r.status_code, r.json()["field"]) == (403, "public")


def test_it_logs_an_outbound_call_as_a_response(desk, api_as, clock, urgent):
    r = _at(
        api_as(desk.agent_token),
        urgent,
        "calls",
        {"direction": "outbound", "summary": "Called Mere back."},
        nz(2026, 11, 23, 9),
        clock,
    )
    assert r.status_code == 200, r.content
    assert r.json()["targets"]["first_response"]["state"] == "met"
    assert r.json()["messages"][-1]["channel"] == "phone"


def test_it_logs_an_inbound_call_without_meeting_first_response(desk, api_as, clock, urgent):
    r = _at(
        api_as(desk.agent_token),
        urgent,
        "calls",
        {"direction": "inbound", "summary": "Mere chased."},
        nz(2026, 11, 23, 9),
        clock,
    )
    assert r.json()["targets"]["first_response"]["state"] == "running"
    assert r.json()["events"][-1]["kind"] == "customer_reply"


def test_it_recomputes_targets_from_notice_on_a_level_change(desk, api_as, clock, urgent):
    r = _at(api_as(desk.agent_token), urgent, "level", {"to": "high"}, nz(2026, 11, 23, 9), clock)
    assert r.status_code == 200, r.content
    # high: 8 support hours from Fri 16:30 = 30 min on Fri, 7 h 30 on Mon from 09:00.
    assert r.json()["level"] == "high"
    assert r.json()["targets"]["first_response"]["due"] == "2026-11-23T16:30:00+13:00"


def test_it_refuses_a_level_of_another_policy(desk, api_as, clock, urgent):
    r = _at(api_as(desk.agent_token), urgent, "level", {"to": "sev1"}, nz(2026, 11, 23, 9), clock)
    assert r.status_code == 422 and r.json()["field"] == "to"
    assert "urgent, high, medium, low" in r.json()["detail"]


def test_it_refuses_an_event_before_the_latest_one(desk, api_as, clock, urgent):
    lead = api_as(desk.lead_token)
    clock.set(nz(2026, 11, 23, 12))
    assert (
        lead.post(
            f"/requests/{urgent}/replies", {"body": "a", "at": nz(2026, 11, 23, 10).isoformat()}
        ).status_code
        == 200
    )
    r = lead.post(
        f"/requests/{urgent}/replies",
        {"body": "b", "at": (nz(2026, 11, 23, 10) - timedelta(minutes=1)).isoformat()},
    )
    assert (r.status_code, r.json()["field"]) == (422, "at")
