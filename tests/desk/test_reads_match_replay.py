"""Reads evaluate as of the moment of the read, exactly as `accord sla replay` does."""

from __future__ import annotations

import json
import subprocess
import sys

from accord.tickets.models import SlaTarget

from .personas import ny, nz

ENGINE_TYPES = {"agent_reply", "auto_reply", "internal_note", "customer_reply", "status", "level"}


def _replay(policy: str, detail: dict, as_of: str) -> dict:
    """Feed the request's timeline, as the API shows it, to the engine's CLI."""
    events = [
        {"at": e["at"], "type": e["kind"], **({"to": e["to"]} if e["to"] else {})}
        for e in detail["events"]
        if e["kind"] in ENGINE_TYPES
    ]
    opened = next(e for e in detail["events"] if e["kind"] == "opened")
    line = {
        "id": detail["number"],
        "level": opened["to"],
        "channel": detail["channel"],
        "received": detail["received"],
        "as_of": as_of,
        "events": events,
    }
    out = subprocess.run(
        [sys.executable, "-m", "accord", "sla", "replay", "--policy", policy, "--jsonl", "-"],
        input=json.dumps(line) + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def test_it_reads_a_running_target_past_its_due_as_breached(desk, api_as, clock):
    lead = api_as(desk.lead_token)
    number = lead.post(
        "/requests",
        {
            "contact": desk.mere.pk,
            "channel": "email",
            "level": "urgent",
            "received": clock.at.isoformat(),
            "subject": "Down",
            "description": "Down.",
        },
    ).json()["number"]
    clock.set(nz(2026, 11, 23, 9, 31))  # one minute past the first-response due
    fr = lead.get(f"/requests/{number}").json()["targets"]["first_response"]
    assert fr["state"] == "breached"
    assert fr["breached_at"] == "2026-11-23T09:30:00+13:00"
    # No worker has run: the stored row still says running.
    assert (
        SlaTarget.objects.get(request__number=int(number[3:]), kind="first_response").state
        == "running"
    )


def test_it_answers_like_sla_replay_for_the_same_timeline(desk, api_as, clock):
    lead, agent = api_as(desk.lead_token), api_as(desk.agent_token)
    number = lead.post(
        "/requests",
        {
            "contact": desk.mere.pk,
            "channel": "portal",
            "level": "medium",
            "received": clock.at.isoformat(),
            "subject": "Slow",
            "description": "Slow reports.",
        },
    ).json()["number"]
    for when, path, body in [
        (nz(2026, 11, 23, 10), "replies", {"body": "Which report?"}),
        (nz(2026, 11, 23, 10, 5), "status", {"to": "waiting_on_customer"}),
        (nz(2026, 11, 24, 11), "status", {"to": "open"}),
        (nz(2026, 11, 24, 12), "level", {"to": "high"}),
        (nz(2026, 11, 25, 9), "replies", {"body": "internal", "public": False}),
        (nz(2026, 11, 26, 15), "status", {"to": "workaround_provided"}),
        (nz(2026, 11, 27, 9), "status", {"to": "open"}),
    ]:
        clock.set(when)
        assert agent.post(f"/requests/{number}/{path}", body).status_code == 200
    for as_of in (nz(2026, 11, 27, 9, 30), nz(2026, 12, 9, 12)):
        clock.set(as_of)
        detail = lead.get(f"/requests/{number}").json()
        expected = _replay("capella", detail, as_of.isoformat())
        assert detail["targets"] == {
            "first_response": expected["first_response"],
            "resolution": expected["resolution"],
        }
    assert detail["targets"]["resolution"]["state"] == "breached"


def test_it_answers_like_sla_replay_for_a_capsure_request_replied_at_night(desk, api_as, clock):
    lead = api_as(desk.lead_token)
    clock.set(ny(2026, 11, 24, 22))
    number = lead.post(
        "/requests",
        {
            "contact": desk.sam.pk,
            "channel": "email",
            "level": "sev2",
            "subject": "Slow",
            "description": "Slow gates.",
        },
    ).json()["number"]
    clock.set(ny(2026, 11, 24, 23))
    detail = lead.post(f"/requests/{number}/replies", {"body": "On it."}).json()
    expected = _replay("capsure", detail, clock.at.isoformat())
    assert detail["targets"]["first_response"] == expected["first_response"]
    assert detail["targets"]["first_response"]["met_at"] == "2026-11-24T23:00:00-05:00"
