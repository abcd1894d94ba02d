"""A customer token sees only its organisation; anything else looks like nothing at all."""

from __future__ import annotations

import pytest

from accord.audit.models import AuditEntry
from accord.tickets.models import Event, Request

from .personas import nz


@pytest.fixture
def kiwi_request(desk, api_as):
    r = api_as(desk.lead_token).post(
        "/requests",
        {
            "contact": desk.mere.pk,
            "channel": "email",
            "level": "high",
            "subject": "Kiwi's problem",
            "description": "Only Kiwi may see this.",
        },
    )
    return r.json()["number"]


def _snapshot():
    return (Request.objects.count(), Event.objects.count(), AuditEntry.objects.count())


def test_it_answers_404_for_another_organisations_request_on_every_request_endpoint(
    desk, api_as, clock, kiwi_request
):
    olga = api_as(desk.olga_token)
    before = _snapshot()
    n = kiwi_request
    calls = [
        ("get", f"/requests/{n}", None),
        ("post", f"/requests/{n}/replies", {"body": "hi"}),
        ("post", f"/requests/{n}/status", {"to": "resolved"}),
        ("post", f"/requests/{n}/level", {"to": "low"}),
        ("post", f"/requests/{n}/assign", {"assignee": "agent"}),
        ("post", f"/requests/{n}/calls", {"direction": "inbound", "summary": "x"}),
        ("post", f"/requests/{n}/scope", {"decision": "in_scope", "reason": "x"}),
        ("post", f"/requests/{n}/accept-charge", {"accepted_by": "x"}),
        (
            "post",
            f"/requests/{n}/split",
            {"parts": [{"subject": "a", "description": "b", "level": "low"}]},
        ),
        ("post", f"/requests/{n}/merge", {"into": n}),
    ]
    for method, path, body in calls:
        r = olga.get(path) if method == "get" else olga.post(path, body)
        assert r.status_code == 404, (path, r.status_code, r.content)
        assert r.json()["field"] == "number"
        assert n not in r.content.decode().replace(f"no request {n}", "")
    assert _snapshot() == before


def test_it_lists_only_the_customers_own_requests(desk, api_as, clock, kiwi_request):
    olga = api_as(desk.olga_token)
    mine = olga.post(
        "/requests",
        {
            "contact": desk.olga.pk,
            "channel": "portal",
            "level": "low",
            "subject": "Olga's",
            "description": "Mine.",
        },
    )
    assert mine.status_code == 201, mine.content
    listed = [i["number"] for i in olga.get("/requests").json()["items"]]
    assert listed == [mine.json()["number"]]
    r = olga.get("/requests", organization=desk.kiwi.pk)
    assert (r.status_code, r.json()["field"]) == (404, "organization")


def test_it_refuses_a_customer_opening_a_request_for_another_organisations_contact(
    desk, api_as, clock
):
    before = _snapshot()
    r = api_as(desk.olga_token).post(
        "/requests",
        {
            "contact": desk.mere.pk,
            "channel": "portal",
            "level": "low",
            "subject": "Sneaky",
            "description": "Not mine.",
        },
    )
    assert (r.status_code, r.json()["field"]) == (422, "contact")
    assert r.json()["detail"] == f"no contact {desk.mere.pk}"
    assert _snapshot() == before


def test_it_hides_other_organisations_and_their_contacts_and_entitlements(desk, api_as):
    olga = api_as(desk.olga_token)
    assert [o["id"] for o in olga.get("/organizations").json()["items"]] == [desk.other.pk]
    assert olga.get(f"/organizations/{desk.kiwi.pk}").status_code == 404
    assert olga.get(f"/organizations/{desk.other.pk}").status_code == 200
    assert [c["id"] for c in olga.get("/contacts").json()["items"]] == [desk.olga.pk]
    assert olga.get(f"/contacts/{desk.mere.pk}").status_code == 404
    assert olga.get("/contacts", organization=desk.kiwi.pk).status_code == 404
    assert {e["organization"] for e in olga.get("/entitlements").json()} == {desk.other.pk}
    assert olga.get("/entitlements", organization=desk.kiwi.pk).status_code == 404


def test_it_lets_only_staff_change_contracts(desk, api_as):
    olga = api_as(desk.olga_token)
    before = _snapshot()
    for path, body in [
        ("/organizations", {"name": "X", "policy": "capella", "hosting": "hosted"}),
        ("/contacts", {"organization": desk.other.pk, "name": "X", "role": "user"}),
        ("/contacts", {"organization": desk.kiwi.pk, "name": "X", "role": "user"}),
        ("/entitlements", {"organization": desk.kiwi.pk, "kind": "trial", "starts": "2026-01-01"}),
        ("/releases", {"product": "P", "version": "1", "released_on": "2026-01-01"}),
        ("/installations", {"organization": desk.other.pk, "release": 1}),
    ]:
        r = olga.post(path, body)
        assert r.status_code == 403, (path, r.content)
    assert (
        olga.put(
            f"/organizations/{desk.kiwi.pk}/designated-contact", {"contact": desk.mere.pk}
        ).status_code
        == 403
    )
    assert _snapshot() == before


def test_it_lets_a_customer_reply_on_its_own_request_but_not_change_its_status(
    desk, api_as, clock, kiwi_request
):
    mere = api_as(desk.mere_token)
    clock.set(nz(2026, 11, 23, 9))
    assert (
        mere.post(f"/requests/{kiwi_request}/replies", {"body": "More detail"}).status_code == 200
    )
    r = mere.post(f"/requests/{kiwi_request}/status", {"to": "resolved"})
    assert (r.status_code, r.json()["field"]) == (403, "token")


def test_it_lets_staff_mint_a_customer_token_that_sees_only_that_organisation(
    desk, api_as, clock, kiwi_request
):
    r = api_as(desk.lead_token).post("/tokens", {"contact": desk.olga.pk})
    assert r.status_code == 201, r.content
    assert r.json()["organization"] == desk.other.pk
    fresh = api_as(r.json()["token"])
    assert fresh.get("/requests").json()["items"] == []
    assert fresh.get(f"/requests/{kiwi_request}").status_code == 404
    assert fresh.post("/tokens", {"contact": desk.olga.pk}).status_code == 403
    assert (
        api_as(desk.lead_token).post("/tokens", {"contact": 999_999}).json()["field"] == "contact"
    )
