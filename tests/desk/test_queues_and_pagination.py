"""Queues: filter by status and due, order by due, page with cursors."""

from __future__ import annotations

from datetime import timedelta

import pytest

from .personas import nz


@pytest.fixture
def seven(desk, api_as, clock):
    """Seven requests received a minute apart, with levels giving different dues."""
    lead = api_as(desk.lead_token)
    numbers = []
    levels = ["low", "urgent", "medium", "high", "urgent", "low", "medium"]
    for i, level in enumerate(levels):
        clock.set(nz(2026, 11, 20, 16, 0) + timedelta(minutes=i))
        r = lead.post(
            "/requests",
            {
                "contact": desk.mere.pk,
                "channel": "email",
                "level": level,
                "subject": f"Issue {i}",
                "description": "Something.",
            },
        )
        numbers.append(r.json()["number"])
    return numbers, levels


def _walk(api, **params):
    seen, cursor = [], None
    while True:
        page = api.get("/requests", **params, **({"cursor": cursor} if cursor else {})).json()
        seen += page["items"]
        cursor = page["next"]
        if cursor is None:
            return seen


def test_it_lists_newest_first_by_default_across_pages(desk, api_as, seven):
    numbers, _ = seven
    items = _walk(api_as(desk.lead_token), limit=3)
    assert [i["number"] for i in items] == list(reversed(numbers))


def test_it_orders_a_queue_by_the_earliest_unmet_due(desk, api_as, seven):
    items = _walk(api_as(desk.lead_token), ordering="due", limit=2)
    dues = [min(t["due"] for t in i["targets"].values() if t) for i in items]
    assert dues == sorted(dues)
    assert len(items) == 7


def test_it_filters_by_status_and_due_before(desk, api_as, clock, seven):
    numbers, levels = seven
    agent = api_as(desk.agent_token)
    clock.set(nz(2026, 11, 23, 9))
    agent.post(f"/requests/{numbers[1]}/status", {"to": "resolved"})
    lead = api_as(desk.lead_token)
    resolved = lead.get("/requests", state="resolved").json()["items"]
    assert [i["number"] for i in resolved] == [numbers[1]]
    # Urgent first responses fall due Mon 09:0x; only the open urgent one is left,
    # and its first response is still owed (resolving does not answer the customer).
    due = lead.get("/requests", state="open", due_before="2026-11-23T10:00:00+13:00").json()
    assert [i["number"] for i in due["items"]] == [numbers[4]]


def test_it_rejects_bad_queue_parameters_naming_them(desk, api_as):
    lead = api_as(desk.lead_token)
    cases: list[tuple[dict[str, object], str]] = [
        ({"state": "pending"}, "state"),
        ({"ordering": "colour"}, "ordering"),
        ({"cursor": "!!"}, "cursor"),
        ({"limit": 0}, "limit"),
        ({"due_before": "2026-11-23T10:00:00"}, "due_before"),
    ]
    for params, field in cases:
        r = lead.get("/requests", **params)
        assert r.status_code == 422, (params, r.content)
        assert r.json()["field"] == field


def test_it_pages_organisations_and_contacts_by_id(desk, api_as):
    lead = api_as(desk.lead_token)
    orgs, cursor = [], None
    while True:
        page = lead.get("/organizations", limit=2, **({"cursor": cursor} if cursor else {})).json()
        orgs += [o["id"] for o in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert orgs == sorted(orgs) and len(orgs) == 4
    first = lead.get("/contacts", limit=3).json()
    rest = lead.get("/contacts", limit=3, cursor=first["next"]).json()
    ids = [c["id"] for c in first["items"] + rest["items"]]
    assert ids == sorted(set(ids)) and len(ids) == 5  # the personas' five contacts
    assert rest["next"] is None


def test_it_filters_the_requests_at_risk(desk, api_as, clock, seven):
    numbers, _ = seven
    lead = api_as(desk.lead_token)
    # Urgent first responses (1 support hour) received Fri 16:01 and 16:04 consume
    # their 75% warning share at 16:46 and 16:49.
    clock.set(nz(2026, 11, 20, 16, 40))
    assert lead.get("/requests", at_risk="true").json()["items"] == []
    clock.set(nz(2026, 11, 20, 16, 47))
    items = lead.get("/requests", at_risk="true").json()["items"]
    assert [i["number"] for i in items] == [numbers[1]]
    clock.set(nz(2026, 11, 20, 16, 50))
    items = lead.get("/requests", at_risk="true", ordering="due").json()["items"]
    assert [i["number"] for i in items] == [numbers[1], numbers[4]]
    bad = lead.get("/requests", at_risk="perhaps")
    assert bad.status_code == 422 and bad.json()["field"] == "at_risk"
