"""Who may say how a request arrived, and when (issue 7, channel trust).

Phone and voicemail give CapSure notice at any hour, so only staff, the voice
line and the mail intake decide the channel; a customer token opens as `api`
or `portal`. An agent may say the call was placed up to 24 hours back without
the import permission; the log keeps who gave that instant.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from accord.accounts import services as accounts
from accord.tickets.models import Request

from .personas import NY, ny, nz

# The clock: Fri 2026-11-20 16:30 Wellington = Thu 2026-11-19 22:30 New York.


def body(contact: int, channel: str, **extra: object) -> dict[str, object]:
    return {
        "contact": contact,
        "channel": channel,
        "level": "sev1",
        "subject": "Alarm panel offline",
        "description": "All gates report offline.",
        **extra,
    }


@pytest.mark.parametrize("channel", ["voicemail", "phone", "email"])
def test_a_customer_token_cannot_claim_a_channel_it_did_not_use(desk, api_as, clock, channel):
    sam = api_as(accounts.create_token(contact=desk.sam.pk, now=clock.at))
    r = sam.post("/requests", body(desk.sam.pk, channel))
    assert r.status_code == 422, r.content
    assert r.json()["field"] == "channel"
    assert "customer opens a request as portal or api" in r.json()["detail"]
    assert Request.objects.count() == 0


def test_a_customer_token_opens_by_the_api_at_the_servers_clock(desk, api_as, clock):
    sam = api_as(accounts.create_token(contact=desk.sam.pk, now=clock.at))
    r = sam.post("/requests", body(desk.sam.pk, "api"))
    assert r.status_code == 201, r.content
    # After hours in New York: notice at the next opening, Fri 08:30.
    assert r.json()["notice"] == ny(2026, 11, 20, 8, 30).isoformat()
    past = sam.post("/requests", body(desk.sam.pk, "api", received=ny(2026, 11, 19, 21, 0)))
    assert past.status_code == 403 and past.json()["field"] == "received"


def test_an_agent_records_a_voicemail_left_last_night_with_its_own_notice(desk, api_as, clock):
    agent = api_as(desk.agent_token)
    left = ny(2026, 11, 19, 21, 0)  # 90 minutes ago, after hours
    r = agent.post("/requests", body(desk.sam.pk, "voicemail", received=left.isoformat()))
    assert r.status_code == 201, r.content
    out = r.json()
    assert out["received"] == out["notice"] == left.isoformat()  # capsure: any hour
    assert out["in_hours"] is False
    request = Request.objects.get()
    opened = request.events.get(kind="opened")
    assert opened.data["given_by"] == "user:agent" and opened.actor == "user:agent"
    assert opened.at == left and opened.recorded == clock.at

    shown = agent.get(f"/requests/{request.display_number}").json()["events"][0]
    assert shown["given_by"] == "user:agent"
    assert shown["entered"] == clock.at.astimezone(NY).isoformat()

    desk_page = _desk_page(desk, request.display_number)
    assert "as given by agent, entered" in desk_page


def test_an_agent_cannot_reach_back_more_than_a_day(desk, api_as, clock):
    agent = api_as(desk.agent_token)
    too_old = clock.at - timedelta(hours=24, minutes=1)
    r = agent.post("/requests", body(desk.sam.pk, "phone", received=too_old.isoformat()))
    assert r.status_code == 403, r.content
    assert r.json()["field"] == "received" and "24 hours back" in r.json()["detail"]
    ahead = agent.post(
        "/requests",
        body(desk.sam.pk, "phone", received=(clock.at + timedelta(hours=1)).isoformat()),
    )
    assert ahead.status_code == 422 and ahead.json()["field"] == "received"
    assert Request.objects.count() == 0


def test_an_import_token_keeps_its_past_instants(desk, api_as, clock):
    lead = api_as(desk.lead_token)
    old = nz(2026, 10, 1, 10, 0)
    r = lead.post("/requests", body(desk.mere.pk, "phone", level="high", received=old.isoformat()))
    assert r.status_code == 201, r.content
    assert r.json()["received"] == old.isoformat()


def test_an_instant_at_the_servers_clock_is_not_marked_as_given(desk, api_as, clock):
    r = api_as(desk.agent_token).post("/requests", body(desk.sam.pk, "phone"))
    assert r.status_code == 201
    assert "given_by" not in Request.objects.get().events.get(kind="opened").data


def _desk_page(desk, number: str) -> str:
    from django.test import Client

    client = Client()
    client.force_login(desk.agent.user)
    return client.get(f"/requests/{number}/").content.decode()
