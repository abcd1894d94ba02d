"""Opening a request through the API: number, notice, scope and due instants."""

from __future__ import annotations

from .personas import nz


def test_it_opens_a_request_with_number_notice_and_targets(desk, api_as, clock):
    lead = api_as(desk.lead_token)
    r = lead.post(
        "/requests",
        {
            "contact": desk.mere.pk,
            "channel": "email",
            "received": nz(2026, 11, 20, 16, 30).isoformat(),
            "level": "urgent",
            "subject": "Reports crash",
            "description": "The report screen hangs.",
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["number"].startswith("SR-")
    assert body["notice"] == "2026-11-20T16:30:00+13:00"
    assert body["scope"]["decision"] == "in_scope"
    assert body["scope"]["clause"] == "5.1"
    # semantics page, worked example: Mon 09:30 and Wed 16:30.
    assert body["targets"]["first_response"] == {
        "state": "running",
        "due": "2026-11-23T09:30:00+13:00",
        "met_at": None,
        "breached_at": None,
    }
    assert body["targets"]["resolution"]["due"] == "2026-11-25T16:30:00+13:00"
    # The customer's own words (the one door stores them), then our acknowledgement.
    assert [(m["direction"], m["automated"]) for m in body["messages"]] == [
        ("inbound", False),
        ("outbound", True),
    ]
