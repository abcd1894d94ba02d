"""Billable time (capsure per incident, capella 2.2/2.3) and expenses (capella 4.6)."""

from __future__ import annotations

import pytest

from .personas import ny


@pytest.fixture
def capella_request(desk, api_as):
    return (
        api_as(desk.lead_token)
        .post(
            "/requests",
            {
                "contact": desk.mere.pk,
                "channel": "email",
                "level": "high",
                "subject": "Broken",
                "description": "Broken after our change.",
            },
        )
        .json()["number"]
    )


def test_it_bills_time_once_an_error_is_found_to_be_customer_caused(desk, api_as, capella_request):
    agent = api_as(desk.agent_token)
    before = agent.post(f"/requests/{capella_request}/time", {"minutes": 30, "note": "triage"})
    assert before.status_code == 201, before.content
    assert before.json()["billable"] is False
    agent.post(
        f"/requests/{capella_request}/scope",
        {"decision": "customer_caused", "reason": "Edited schema", "cause": "customer_change"},
    )
    after = agent.post(f"/requests/{capella_request}/time", {"minutes": 90, "note": "restore"})
    assert after.json() | {"id": 0} == {
        "id": 0,
        "minutes": 90,
        "billable": True,
        "hourly_rate": "120.00",
        "currency": "NZD",
        "clause": "2.2",
        "billable_overridden": False,
        "override_reason": "",
    }
    summary = agent.get(f"/requests/{capella_request}/billing").json()
    assert (summary["billable_minutes"], summary["time_amount"]) == (90, "180.00")


def test_it_bills_a_capsure_end_users_incident_at_the_accepted_rate(desk, api_as, clock):
    clock.set(ny(2026, 11, 24, 10))
    agent = api_as(desk.agent_token)
    number = agent.post(
        "/requests",
        {
            "contact": desk.gil.pk,
            "channel": "phone",
            "level": "sev3",
            "subject": "Tablet",
            "description": "Tablet rejects logins.",
        },
    ).json()["number"]
    agent.post(f"/requests/{number}/accept-charge", {"accepted_by": "Gil"})
    r = agent.post(f"/requests/{number}/time", {"minutes": 45, "note": "fixed the tablet"})
    assert (r.json()["billable"], r.json()["currency"], r.json()["hourly_rate"]) == (
        True,
        "USD",
        "120.00",
    )


def test_it_records_supplies_without_approval_but_never_invoices_them(
    desk, api_as, capella_request
):
    agent = api_as(desk.agent_token)
    base = {"amount": "42.50", "incurred_on": "2026-11-20", "description": "Cable"}
    r = agent.post(f"/requests/{capella_request}/expenses", {**base, "kind": "supplies"})
    assert r.status_code == 201
    half = {"approved_by": "Mere"}
    r = agent.post(f"/requests/{capella_request}/expenses", {**base, "kind": "supplies", **half})
    assert (r.status_code, r.json()["field"]) == (422, "approved_on")
    late = {"approved_by": "Mere", "approved_on": "2026-11-21"}
    r = agent.post(f"/requests/{capella_request}/expenses", {**base, "kind": "supplies", **late})
    assert r.status_code == 201
    summary = agent.get(f"/requests/{capella_request}/billing").json()
    whys = [w for item in summary["expenses_not_invoiceable"] for w in item["why"]]
    assert "no advance approval from the customer (4.6)" in whys
    assert any("after it was incurred" in w for w in whys)
    assert summary["expenses_invoiceable"] == "0"


def test_it_has_no_expenses_under_capsure(desk, api_as, clock):
    agent = api_as(desk.agent_token)
    number = agent.post(
        "/requests",
        {
            "contact": desk.sam.pk,
            "channel": "phone",
            "level": "sev4",
            "subject": "Typo",
            "description": "Typo.",
        },
    ).json()["number"]
    r = agent.post(
        f"/requests/{number}/expenses",
        {"kind": "travel", "amount": "10", "incurred_on": "2026-11-20", "description": "Taxi"},
    )
    assert (r.status_code, r.json()["field"]) == (422, "kind")


def test_it_keeps_billing_from_customers(desk, api_as, capella_request):
    mere = api_as(desk.mere_token)
    assert mere.get(f"/requests/{capella_request}/billing").status_code == 403
    assert (
        mere.post(f"/requests/{capella_request}/time", {"minutes": 1, "note": "x"}).status_code
        == 403
    )
    assert api_as(desk.olga_token).get(f"/requests/{capella_request}/billing").status_code == 404


def test_it_rejects_amounts_it_cannot_store(desk, api_as, capella_request):
    agent = api_as(desk.agent_token)
    for amount in ("0", "-5", "1e30", "1.005", "NaN"):
        r = agent.post(
            f"/requests/{capella_request}/expenses",
            {
                "kind": "travel",
                "amount": amount,
                "incurred_on": "2026-11-20",
                "description": "Taxi",
            },
        )
        assert (r.status_code, r.json()["field"]) == (422, "amount"), amount
