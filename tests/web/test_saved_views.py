"""Queue filters (team, level, organisation, scope) and saved views with their counts."""

from __future__ import annotations

import pytest
from desk.conftest import FrozenClock
from desk.personas import Desk
from django.test import Client

from accord.accounts import services as accounts
from accord.accounts.actor import staff
from accord.tickets import actions, saved_views
from accord.tickets.models import SavedView

from .conftest import OpenRequest, login


def numbers(html: str) -> set[str]:
    return {chunk.split('"')[0] for chunk in html.split('data-number="')[1:]}


@pytest.fixture
def spread(desk: Desk, open_req: OpenRequest) -> dict[str, str]:
    urgent = open_req(subject="Urgent kiwi")
    low = open_req(level="low", subject="Low kiwi")
    other = open_req(contact=desk.olga.pk, subject="Other org")
    guard = open_req(contact=desk.gil.pk, level="sev3", subject="Guard")  # not entitled
    actions.assign(desk.lead, low.number, assignee=None, team="tier1")
    return {
        "urgent": urgent.display_number,
        "low": low.display_number,
        "other": other.display_number,
        "guard": guard.display_number,
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"team": "tier1"}, {"low"}),
        ({"level": "urgent"}, {"urgent", "other"}),
        ({"scope": "not_entitled"}, {"guard"}),
    ],
)
def test_each_filter_narrows_the_queue(
    agent_client: Client, spread: dict[str, str], params: dict[str, str], expected: set[str]
) -> None:
    html = agent_client.get("/queue/rows/", params).content.decode()
    assert numbers(html) == {spread[k] for k in expected}


def test_the_organisation_filter(agent_client: Client, desk: Desk, spread: dict[str, str]) -> None:
    html = agent_client.get("/queue/rows/", {"organization": desk.other.pk}).content.decode()
    assert numbers(html) == {spread["other"]}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"team": "nosuch"}, "team: no team"),
        ({"level": "sev9"}, "level: unknown level"),
        ({"organization": "x"}, "organization: no organisation"),
        ({"scope": "maybe"}, "scope: expected one of"),
    ],
)
def test_bad_filters_are_a_400_naming_the_parameter(
    agent_client: Client, params: dict[str, str], message: str
) -> None:
    res = agent_client.get("/queue/rows/", params)
    assert res.status_code == 400 and message in res.content.decode()


def test_an_agent_saves_a_view_and_sees_its_count(
    agent_client: Client, spread: dict[str, str]
) -> None:
    res = agent_client.post("/views/", {"name": "Urgent ones", "level": "urgent", "cursor": "x"})
    assert res.status_code == 302 and res["Location"] == "/?level=urgent"
    view = SavedView.objects.get()
    assert (view.query, view.team, view.owner.username) == ("level=urgent", None, "agent")
    assert 'hx-get="/views/list/' in agent_client.get("/").content.decode()  # loaded after
    html = agent_client.get("/views/list/").content.decode()
    item = html.split(f'data-view="{view.pk}"')[1].split("</li>")[0]
    assert "Urgent ones" in item and '<span class="count">2</span>' in item
    current = agent_client.get("/views/list/", {"level": "urgent"}).content.decode()
    assert f'data-view="{view.pk}" class="current"' in current


def test_team_views_are_shared_with_the_team_only(
    desk: Desk, clock: FrozenClock, spread: dict[str, str]
) -> None:
    shared = saved_views.save_view(desk.agent, name="Tier 1", query="team=tier1", share=True)
    mine = saved_views.save_view(desk.agent, name="Mine", query="mine=1")
    colleague = staff(accounts.create_user("ari", role="agent", team="tier1", now=clock.at))
    outsider = staff(accounts.create_user("bo", role="agent", now=clock.at))
    assert set(saved_views.visible(colleague)) == {shared}
    assert set(saved_views.visible(outsider)) == set()
    assert set(saved_views.visible(desk.agent)) == {shared, mine}
    html = login(colleague.user).get("/views/list/").content.decode()
    assert "Tier 1" in html and "Mine" not in html


def test_bad_views_are_refused(agent_client: Client, desk: Desk, spread: dict[str, str]) -> None:
    res = agent_client.post("/views/", {"name": "", "level": "urgent"})
    assert res.status_code == 422 and "name: This field is required." in res.content.decode()
    res = agent_client.post("/views/", {"name": "Bad", "level": "sev9"})
    assert res.status_code == 422 and "level: unknown level" in res.content.decode()
    lead = login(desk.lead.user)  # the lead is in no team
    res = lead.post("/views/", {"name": "Shared", "share": "1"})
    assert res.status_code == 422 and "share: you are in no team" in res.content.decode()
    assert not SavedView.objects.exists()


def test_deleting_a_view(agent_client: Client, desk: Desk) -> None:
    view = saved_views.save_view(desk.agent, name="Mine", query="mine=1")
    other = saved_views.save_view(desk.lead, name="Lead's", query="")
    assert agent_client.post(f"/views/{other.pk}/delete/").status_code == 404
    assert agent_client.post(f"/views/{view.pk}/delete/").status_code == 302
    assert list(SavedView.objects.all()) == [other]
