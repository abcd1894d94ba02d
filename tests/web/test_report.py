"""The manager's report: met, breached and at-risk targets per policy and level."""

from __future__ import annotations

import re
from datetime import timedelta

from desk.conftest import FrozenClock
from desk.personas import Desk, nz
from django.test import Client

from accord.tickets import actions

from .conftest import OpenRequest


def line(client: Client, policy: str, level: str, **params: str) -> dict[str, str]:
    response = client.get("/report/", params)
    assert response.status_code == 200
    html = response.content.decode()
    match = re.search(rf'<tr data-policy="{policy}" data-level="{level}">(.*?)</tr>', html, re.S)
    assert match, f"no line for {policy}/{level}"
    cells = dict(re.findall(r'data-col="([\w-]+)">([^<]*)<', match.group(1)))
    cells["requests"] = re.findall(r'<td class="num">(\d+)</td>', match.group(1))[0]
    return cells


def test_it_counts_met_and_breached_targets_per_policy_and_level(
    manager_client: Client, open_req: OpenRequest, desk: Desk, clock: FrozenClock
) -> None:
    answered = open_req()
    actions.post_message(desk.agent, answered.number, body="On it", now=clock.at)
    open_req(received=nz(2026, 11, 18, 10, 0))  # first response was due Wed 11:00: breached
    open_req(level="low")
    urgent = line(manager_client, "capella", "urgent")
    assert urgent["requests"] == "2"
    assert (urgent["first_response-met"], urgent["first_response-breached"]) == ("1", "1")
    assert urgent["first_response-percent"] == "50.0%"
    # resolution (24 support hours from Wed 10:00) runs until Mon 10:00: undecided
    assert (urgent["resolution-met"], urgent["resolution-breached"]) == ("0", "0")
    assert urgent["resolution-percent"] == "—"
    low = line(manager_client, "capella", "low")
    assert low["requests"] == "1"
    assert low["first_response-percent"] == "—"  # nothing decided yet


def test_it_counts_overdue_running_targets_as_breached_and_flags_those_at_risk(
    manager_client: Client, open_req: OpenRequest, clock: FrozenClock
) -> None:
    open_req()  # first response due Mon 09:30 (one support hour)
    clock.set(nz(2026, 11, 23, 9, 0))  # 30 of 60 minutes left: not yet at risk
    assert line(manager_client, "capella", "urgent")["first_response-at-risk"] == "0"
    clock.set(nz(2026, 11, 23, 9, 20))  # 10 minutes left
    cells = line(manager_client, "capella", "urgent")
    assert (cells["first_response-at-risk"], cells["first_response-breached"]) == ("1", "0")
    clock.set(nz(2026, 11, 23, 9, 31))  # the stored row still says running; it is overdue
    cells = line(manager_client, "capella", "urgent")
    assert (cells["first_response-at-risk"], cells["first_response-breached"]) == ("0", "1")


def test_it_counts_only_requests_received_in_the_period(
    manager_client: Client, open_req: OpenRequest, desk: Desk, clock: FrozenClock
) -> None:
    open_req(received=clock.at - timedelta(days=40), contact=desk.sam.pk, level="sev2")
    response = manager_client.get("/report/")
    assert b'data-policy="capsure"' not in response.content
    assert line(manager_client, "capsure", "sev2", days="90")["requests"] == "1"


def test_it_refuses_an_unknown_period_naming_it(manager_client: Client) -> None:
    response = manager_client.get("/report/", {"days": "12"})
    assert response.status_code == 400
    assert b"days: expected one of 7, 30, 90, 365" in response.content
