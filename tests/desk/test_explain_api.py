"""`GET /api/v1/requests/{number}/explain`: every deadline traced to its clause."""

from __future__ import annotations

from .personas import nz


def test_it_explains_the_due_instants_of_a_request(desk, api_as, clock):
    body = {"contact": desk.mere.pk, "channel": "portal", "level": "low", "subject": "S",
            "description": "D", "received": nz(2026, 12, 26, 10).isoformat()}  # fmt: skip
    number = api_as(desk.lead_token).post("/requests", body).json()["number"]
    r = api_as(desk.mere_token).get(f"/requests/{number}/explain")
    assert r.status_code == 200, r.content
    text = "\n".join(r.json()["lines"])
    assert "Boxing Day (observed)" in text
    assert "clause 5.6" in text
    assert "due Wed 2027-01-06 13:00 NZDT" in text


def test_it_says_why_no_target_applies_to_an_unentitled_request(desk, api_as, clock):
    body = {"contact": desk.lapsed_contact.pk, "channel": "email", "level": "urgent",
            "subject": "S", "description": "D"}  # fmt: skip
    number = api_as(desk.lead_token).post("/requests", body).json()["number"]
    lines = api_as(desk.lead_token).get(f"/requests/{number}/explain").json()["lines"]
    assert "No targets apply" in lines[-1]
    assert "5.1" in lines[-1]


def test_it_hides_another_organisations_request(desk, api_as, clock):
    body = {"contact": desk.mere.pk, "channel": "email", "level": "urgent", "subject": "S",
            "description": "D"}  # fmt: skip
    number = api_as(desk.lead_token).post("/requests", body).json()["number"]
    r = api_as(desk.olga_token).get(f"/requests/{number}/explain")
    assert r.status_code == 404
    assert r.json()["field"] == "number"
