"""Macros: placeholders, actions, personal and shared, applied from the request page."""

from __future__ import annotations

import pytest
from desk.conftest import FrozenClock
from desk.personas import Desk
from django.contrib.auth.models import User
from django.test import Client

from accord.accounts.actor import staff
from accord.audit.models import AuditEntry
from accord.errors import Forbidden, Invalid
from accord.tickets import macros
from accord.tickets.models import Macro

from .conftest import OpenRequest

BODY = (
    "Kia ora {contact_name}, about {number}: we will answer by {first_response_due} "
    "({first_response_due_customer} your time). Hours: {support_hours}. {agent_name}"
)


def test_apply_fills_placeholders_and_runs_the_actions(
    agent_client: Client, desk: Desk, clock: FrozenClock, open_req: OpenRequest
) -> None:
    macro = macros.create_macro(
        desk.agent, name="Waiting", body=BODY, set_status="waiting_on_customer",
        set_level="high", set_assignee="agent", now=clock.at,
    )  # fmt: skip
    req = open_req()
    preview = agent_client.get(
        f"/requests/{req.display_number}/macro/preview/", {"macro": macro.pk}
    ).content.decode()
    assert (
        f"Kia ora Mere, about {req.display_number}: we will answer by Mon 23 Nov 2026 09:30 NZDT"
        in preview
    )
    assert "Mon-Fri 09:00-17:00 (Pacific/Auckland time)" in preview
    assert "status → Waiting on customer" in preview
    res = agent_client.post(
        f"/requests/{req.display_number}/macro/",
        {"macro": macro.pk, "body": "Kia ora Mere, edited before sending."},
        headers={"HX-Request": "true"},
    )
    assert res.status_code == 200 and "Macro: done." in res.content.decode()
    req.refresh_from_db()
    assert (req.status, req.level, req.assignee.username) == (
        "waiting_on_customer",
        "high",
        "agent",
    )
    assert req.messages.filter(
        public=True, body_text="Kia ora Mere, edited before sending."
    ).exists()
    kinds = list(req.events.values_list("kind", flat=True))
    assert kinds[-4:] == ["agent_reply", "level", "status", "assigned"]
    assert AuditEntry.objects.filter(action="macro.apply").count() == 1


def test_a_refused_action_stores_nothing(
    agent_client: Client, desk: Desk, clock: FrozenClock, open_req: OpenRequest
) -> None:
    macro = macros.create_macro(
        desk.agent, name="Close", body="Closing.", set_status="closed", now=clock.at
    )
    req = open_req()
    res = agent_client.post(
        f"/requests/{req.display_number}/macro/",
        {"macro": macro.pk, "body": "Closing."},
        headers={"HX-Request": "true"},
    )
    assert res.status_code == 409
    assert "to: cannot go from open to closed" in res.content.decode()
    assert "Closing." in res.content.decode()  # the text typed is kept
    assert (
        not req.messages.filter(public=True, direction="outbound").exclude(automated=True).exists()
    )
    req.refresh_from_db()
    assert req.status == "open"


def test_personal_macros_are_private_and_shared_ones_for_managers(
    desk: Desk, clock: FrozenClock, manager: User
) -> None:
    mine = macros.create_macro(desk.agent, name="Mine", body="Hi.", now=clock.at)
    with pytest.raises(Forbidden) as err:
        macros.create_macro(desk.agent, name="All", body="Hi.", shared=True, now=clock.at)
    assert err.value.field == "shared"
    mia = staff(manager)
    shared = macros.create_macro(mia, name="All", body="Hi all.", shared=True, now=clock.at)
    assert set(macros.usable(desk.agent)) == {mine, shared}
    assert set(macros.usable(mia)) == {shared}
    with pytest.raises(Forbidden):
        macros.delete_macro(desk.agent, shared.pk)
    macros.delete_macro(mia, shared.pk)
    assert not Macro.objects.filter(pk=shared.pk).exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "", "body": "x"}, "name"),
        ({"name": "x", "body": "Hi {nosuch}"}, "body"),
        ({"name": "x", "body": "Hi", "set_level": "sev9"}, "set_level"),
        ({"name": "x", "body": "Hi", "set_assignee": "ghost"}, "set_assignee"),
    ],
)
def test_bad_macros_are_refused_naming_the_field(
    desk: Desk, clock: FrozenClock, fields: dict[str, str], field: str
) -> None:
    with pytest.raises(Invalid) as err:
        macros.create_macro(desk.agent, now=clock.at, **fields)
    assert err.value.field == field
    assert not Macro.objects.exists()


def test_the_macros_page_creates_and_lists(agent_client: Client, desk: Desk) -> None:
    res = agent_client.post("/macros/", {"name": "Thanks", "body": "Thanks {contact_name}!"})
    assert res.status_code == 302
    html = agent_client.get("/macros/").content.decode()
    assert "Thanks {contact_name}!" in html and "personal" in html
    assert "Shared with every agent" not in html  # agents cannot share
    bad = agent_client.post("/macros/", {"name": "Bad", "body": "Hi {who}"})
    assert bad.status_code == 422 and "body: unknown placeholder {who}" in bad.content.decode()


def test_another_agents_personal_macro_cannot_be_applied(
    agent_client: Client, desk: Desk, clock: FrozenClock, open_req: OpenRequest
) -> None:
    theirs = macros.create_macro(desk.lead, name="Lead's", body="Hi.", now=clock.at)
    req = open_req()
    res = agent_client.post(
        f"/requests/{req.display_number}/macro/",
        {"macro": theirs.pk, "body": "Hi."},
        headers={"HX-Request": "true"},
    )
    assert res.status_code == 404 and f"macro: no macro {theirs.pk}" in res.content.decode()
