"""The "due next" queue: ordering, zones, highlighting, filters, htmx refresh."""

from __future__ import annotations

import re

from desk.conftest import FrozenClock
from desk.personas import Desk, nz
from django.test import Client

from accord.tickets import actions, restructure

from .conftest import OpenRequest


def numbers(content: bytes) -> list[str]:
    return re.findall(r'data-number="(SR-\d+)"', content.decode())


def row(content: bytes, number: str) -> str:
    match = re.search(
        rf'<tr class="([^"]*)" data-number="{number}">(.*?)</tr>', content.decode(), re.S
    )
    assert match, f"no row for {number}"
    return match.group(0)


def test_it_orders_the_queue_by_the_nearest_due(
    agent_client: Client, open_req: OpenRequest, desk: Desk
) -> None:
    low = open_req(level="low", subject="Logo blurry")
    urgent = open_req(level="urgent", subject="Site down")
    capsure = open_req(contact=desk.sam.pk, level="sev1", subject="Gates offline")
    content = agent_client.get("/").content
    # capsure severity 1 runs on the elapsed clock (due 18:30 NZ the same evening);
    # capella urgent is due Monday 09:30 NZ; low much later.
    assert numbers(content) == [
        capsure.display_number,
        urgent.display_number,
        low.display_number,
    ]


def test_it_shows_due_in_the_policy_zone_and_the_viewers(
    agent_client: Client, open_req: OpenRequest
) -> None:
    req = open_req()
    plain = row(agent_client.get("/").content, req.display_number)
    assert "Mon 23 Nov 09:30 NZDT" in plain
    assert "yours" not in plain
    agent_client.cookies["accord_tz"] = "Europe/London"
    london = row(agent_client.get("/").content, req.display_number)
    assert "Mon 23 Nov 09:30 NZDT" in london
    assert "Sun 22 Nov 20:30 GMT yours" in london
    agent_client.cookies["accord_tz"] = "Pacific/Auckland"
    assert "yours" not in row(agent_client.get("/").content, req.display_number)
    agent_client.cookies["accord_tz"] = "../../etc/passwd"
    assert "yours" not in row(agent_client.get("/").content, req.display_number)


def test_it_highlights_at_risk_and_breached_requests(
    agent_client: Client, open_req: OpenRequest, clock: FrozenClock
) -> None:
    req = open_req()  # first response: 1 support hour, due Mon 09:30
    assert row(agent_client.get("/").content, req.display_number).startswith('<tr class=""')
    clock.set(nz(2026, 11, 23, 9, 20))  # 10 of 60 minutes left
    at_risk = row(agent_client.get("/").content, req.display_number)
    assert at_risk.startswith('<tr class="at-risk"')
    assert "at risk" in at_risk
    clock.set(nz(2026, 11, 23, 9, 31))
    breached = row(agent_client.get("/").content, req.display_number)
    assert breached.startswith('<tr class="breached"')
    assert "breached" in breached


def test_it_filters_by_policy_status_assignee_and_breached(
    agent_client: Client, open_req: OpenRequest, desk: Desk, clock: FrozenClock
) -> None:
    kiwi = open_req(subject="Kiwi down")
    gate = open_req(contact=desk.sam.pk, level="sev3", subject="Gate slow")
    waiting = open_req(level="low", subject="Needs logs")
    actions.change_status(desk.lead, waiting.number, to="waiting_on_customer", now=clock.at)
    actions.assign(desk.lead, kiwi.number, assignee="agent", team=None, now=clock.at)
    everyone = {kiwi.display_number, gate.display_number, waiting.display_number}
    assert set(numbers(agent_client.get("/").content)) == everyone
    assert numbers(agent_client.get("/", {"policy": "capsure"}).content) == [gate.display_number]
    assert numbers(agent_client.get("/", {"status": "waiting_on_customer"}).content) == [
        waiting.display_number
    ]
    assert numbers(agent_client.get("/", {"mine": "1"}).content) == [kiwi.display_number]
    assert numbers(agent_client.get("/", {"breached": "1"}).content) == []
    clock.set(nz(2026, 11, 21, 12, 0))  # gate's first response was due Fri 17:30 New York
    assert numbers(agent_client.get("/", {"breached": "1"}).content) == [gate.display_number]
    clock.set(nz(2026, 11, 23, 9, 31))  # and kiwi's at Mon 09:30 Wellington
    assert numbers(agent_client.get("/", {"breached": "1"}).content) == [
        gate.display_number,
        kiwi.display_number,
    ]


def test_it_refuses_an_unknown_filter_naming_it(
    agent_client: Client, open_req: OpenRequest
) -> None:
    open_req()
    response = agent_client.get("/", {"policy": "nosuch"})
    assert response.status_code == 400
    assert b"policy: unknown policy" in response.content
    response = agent_client.get("/queue/rows/", {"status": "closed"})
    assert response.status_code == 400
    assert b"status: expected one of" in response.content
    response = agent_client.get("/", {"breached": "maybe"})
    assert response.status_code == 400
    assert b"breached: expected on or off" in response.content


def test_it_leaves_resolved_closed_and_merged_requests_out(
    agent_client: Client, open_req: OpenRequest, desk: Desk, clock: FrozenClock
) -> None:
    kept = open_req(subject="Still open")
    done = open_req(subject="Done")
    closed = open_req(subject="Finished")
    duplicate = open_req(subject="Same again")
    actions.change_status(desk.lead, done.number, to="resolved", now=clock.at)
    actions.change_status(desk.lead, closed.number, to="resolved", now=clock.at)
    actions.change_status(desk.lead, closed.number, to="closed", now=clock.at)
    restructure.merge(desk.lead, duplicate.number, into=kept.number, now=clock.at)
    assert numbers(agent_client.get("/").content) == [kept.display_number]


def test_it_serves_the_rows_alone_for_the_htmx_refresh(
    agent_client: Client, open_req: OpenRequest
) -> None:
    req = open_req()
    for response in (
        agent_client.get("/queue/rows/", {"policy": "capella"}),
        agent_client.get("/", {"policy": "capella"}, headers={"HX-Request": "true"}),
    ):
        assert response.status_code == 200
        body = response.content.decode()
        assert body.lstrip().startswith('<section id="queue-rows"')
        assert "<html" not in body
        assert req.display_number in body
        # the refresh keeps the filters
        assert 'hx-get="/queue/rows/?policy=capella"' in body
        assert 'hx-trigger="every 30s"' in body


def test_it_filters_the_requests_at_risk_on_the_stored_warning_instant(
    agent_client: Client, open_req: OpenRequest, clock: FrozenClock
) -> None:
    soon = open_req(subject="Kiwi down")  # first response 1 support hour: Mon 09:30, warns 09:15
    later = open_req(level="low", subject="Logo blurry")
    assert numbers(agent_client.get("/", {"at_risk": "1"}).content) == []
    clock.set(nz(2026, 11, 23, 9, 14))
    assert numbers(agent_client.get("/", {"at_risk": "1"}).content) == []
    clock.set(nz(2026, 11, 23, 9, 16))
    content = agent_client.get("/", {"at_risk": "1"}).content
    assert numbers(content) == [soon.display_number]
    assert row(content, soon.display_number).startswith('<tr class="at-risk"')
    assert later.display_number in numbers(agent_client.get("/").content)
    clock.set(nz(2026, 11, 23, 9, 31))  # breached is no longer "at risk"
    assert numbers(agent_client.get("/", {"at_risk": "1"}).content) == []
    bad = agent_client.get("/", {"at_risk": "maybe"})
    assert bad.status_code == 400 and b"at_risk" in bad.content
