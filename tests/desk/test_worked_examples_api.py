"""The semantics page's worked examples, opened through the API (sla-semantics 7)."""

from __future__ import annotations

import pytest

from .personas import ny, nz

CASES = [
    # contact, level, channel, received, notice, first response due, resolution due
    (
        "sam",
        "sev1",
        "phone",
        ny(2026, 11, 24, 22),
        "2026-11-24T22:00:00-05:00",
        "2026-11-25T00:00:00-05:00",
        None,
    ),
    (
        "sam",
        "sev1",
        "email",
        ny(2026, 11, 24, 22),
        "2026-11-25T08:30:00-05:00",
        "2026-11-25T09:30:00-05:00",
        None,
    ),
    (
        "sam",
        "sev1",
        "phone",
        ny(2026, 11, 24, 17, 29),
        "2026-11-24T17:29:00-05:00",
        "2026-11-24T18:29:00-05:00",
        None,
    ),
    (
        "sam",
        "sev3",
        "phone",
        ny(2026, 11, 25, 17),
        "2026-11-25T17:00:00-05:00",
        "2026-11-27T17:00:00-05:00",
        None,
    ),
    (
        "mere",
        "urgent",
        "email",
        nz(2026, 11, 20, 16, 30),
        "2026-11-20T16:30:00+13:00",
        "2026-11-23T09:30:00+13:00",
        "2026-11-25T16:30:00+13:00",
    ),
    (
        "mere",
        "low",
        "portal",
        nz(2026, 12, 26, 10),
        "2026-12-29T09:00:00+13:00",
        "2027-01-06T13:00:00+13:00",
        None,
    ),
]


@pytest.mark.parametrize(("who", "level", "channel", "received", "notice", "fr", "res"), CASES)
def test_it_gives_the_worked_examples_due_instants(
    desk, api_as, clock, who, level, channel, received, notice, fr, res
):
    clock.set(received)
    r = api_as(desk.lead_token).post(
        "/requests",
        {
            "contact": getattr(desk, who).pk,
            "channel": channel,
            "level": level,
            "received": received.isoformat(),
            "subject": "Example",
            "description": "As in section 7.",
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["notice"] == notice
    assert body["targets"]["first_response"]["due"] == fr
    assert body["targets"]["first_response"]["state"] == "running"
    if res is None:
        assert body["targets"]["resolution"] is None
    else:
        assert body["targets"]["resolution"]["due"] == res


def test_it_uses_the_server_clock_when_received_is_omitted(desk, api_as, clock):
    clock.set(ny(2026, 11, 24, 22))
    r = api_as(desk.agent_token).post(
        "/requests",
        {
            "contact": desk.sam.pk,
            "channel": "phone",
            "level": "sev2",
            "subject": "Gates slow",
            "description": "Every gate takes a minute to open.",
        },
    )
    assert r.status_code == 201, r.content
    assert r.json()["received"] == "2026-11-24T22:00:00-05:00"
    # After hours at notice: the 8 h after-hours target, on elapsed time.
    assert r.json()["targets"]["first_response"]["due"] == "2026-11-25T06:00:00-05:00"
