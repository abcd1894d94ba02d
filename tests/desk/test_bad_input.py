"""Bad input gets a 4xx JSON answer naming the field, never a 500, and stores nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from accord.audit.models import AuditEntry
from accord.contracts.models import Contact, Organization
from accord.tickets.models import Event, Message, Request, RequestCounter

from .personas import nz


def _snapshot():
    return tuple(
        m.objects.count() for m in (Request, Event, Message, AuditEntry, Organization, Contact)
    )


def _counter():
    row = RequestCounter.objects.filter(name="request").first()
    return row.last if row else None


GOOD = {"channel": "email", "level": "urgent", "subject": "S", "description": "D"}

CASES = [
    ("unknown contact", {"contact": 999_999}, 422, "contact"),
    ("naive received", {"received": "2026-11-20T10:00:00"}, 422, "received"),
    ("received not an instant", {"received": "yesterday"}, 422, "received"),
    ("level of the other policy", {"level": "sev1"}, 422, "level"),
    ("unknown channel", {"channel": "fax"}, 422, "channel"),
    ("empty subject", {"subject": "  "}, 422, "subject"),
    ("missing description", {"description": None}, 422, "description"),
    ("contact not a number", {"contact": "mere"}, 422, "contact"),
    ("unknown continued request", {"continues": "SR-999999"}, 422, "continues"),
    ("NUL in the subject", {"subject": "a\x00b"}, 422, "subject"),
    ("contact id out of range", {"contact": 10**20}, 422, "contact"),
]


@pytest.mark.parametrize(("case", "change", "status", "field"), CASES, ids=[c[0] for c in CASES])
def test_it_rejects_a_bad_request_naming_the_field(
    desk, api_as, clock, case, change, status, field
):
    body = {**GOOD, "contact": desk.mere.pk, **change}
    body = {k: v for k, v in body.items() if v is not None}
    before, counter = _snapshot(), _counter()
    r = api_as(desk.lead_token).post("/requests", body)
    assert r.status_code == status, r.content
    assert r.json()["field"] == field
    assert r.json()["detail"]
    assert _snapshot() == before
    assert _counter() == counter


def test_it_refuses_future_instants_from_a_token_without_the_import_permission(desk, api_as, clock):
    before = _snapshot()
    body = {**GOOD, "contact": desk.mere.pk, "received": "2027-01-01T00:00:00+00:00"}
    r = api_as(desk.agent_token).post("/requests", body)
    assert (r.status_code, r.json()["field"]) == (422, "received")
    assert _snapshot() == before


def test_it_lets_an_import_token_rehearse_a_future_timeline(desk, api_as, clock):
    # Capella's worked example, dated after the frozen clock: an import token may
    # give it, and its targets are computed from the given instant.
    received = nz(2026, 12, 26, 10).isoformat()
    body = {**GOOD, "channel": "portal", "level": "low", "contact": desk.mere.pk,
            "received": received}  # fmt: skip
    r = api_as(desk.lead_token).post("/requests", body)
    assert r.status_code == 201, r.content
    assert r.json()["notice"] == nz(2026, 12, 29, 9).isoformat()
    assert r.json()["targets"]["first_response"]["due"] == nz(2027, 1, 6, 13).isoformat()


def test_it_refuses_past_instants_from_a_token_without_the_import_permission(desk, api_as, clock):
    before = _snapshot()
    r = api_as(desk.agent_token).post(
        "/requests",
        {
            **GOOD,
            "contact": desk.mere.pk,
            "received": nz(2026, 11, 19, 10).isoformat(),
        },
    )
    assert (r.status_code, r.json()["field"]) == (403, "received")
    assert "import permission" in r.json()["detail"]
    assert _snapshot() == before


def test_it_accepts_a_client_clock_a_few_seconds_off_but_records_the_servers(desk, api_as, clock):
    r = api_as(desk.agent_token).post(
        "/requests",
        {
            **GOOD,
            "contact": desk.mere.pk,
            "received": "2026-11-20T16:29:30+13:00",
        },
    )
    assert r.status_code == 201, r.content
    assert r.json()["received"] == "2026-11-20T16:30:00+13:00"


def test_it_answers_malformed_json_with_a_4xx(desk, clock):
    r = Client().post(
        "/api/v1/requests",
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {desk.lead_token}"},
    )
    assert r.status_code == 400
    assert r.json()["field"] == "body"


@pytest.mark.parametrize("header", [None, "Bearer nope", "Bearer acc_unknown", "Basic abc"])
def test_it_requires_a_valid_bearer_token(desk, header):
    headers = {"Authorization": header} if header else {}
    r = Client().get("/api/v1/requests", headers=headers)
    assert r.status_code == 401
    assert r.json()["field"] == "Authorization"


def test_it_rejects_bad_organisations_contacts_and_entitlements(desk, api_as):
    lead = api_as(desk.lead_token)
    before = _snapshot()
    for path, body, field in [
        ("/organizations", {"name": "X", "policy": "nope", "hosting": "hosted"}, "policy"),
        ("/organizations", {"name": "X", "policy": "../etc/passwd", "hosting": "hosted"}, "policy"),
        ("/organizations", {"name": "X", "policy": "capella", "hosting": "cloud"}, "hosting"),
        ("/organizations", {"name": "", "policy": "capella", "hosting": "hosted"}, "name"),
        ("/contacts", {"organization": desk.kiwi.pk, "name": "X", "role": "boss"}, "role"),
        ("/contacts", {"organization": 999_999, "name": "X", "role": "user"}, "organization"),
        ("/contacts", {"organization": desk.kiwi.pk, "name": "X\x00", "role": "user"}, "name"),
        (
            "/contacts",
            {
                "organization": desk.kiwi.pk,
                "name": "X",
                "role": "user",
                "email": "mere@kiwi.example",
            },
            "email",
        ),
        (
            "/entitlements",
            {"organization": desk.kiwi.pk, "kind": "gift", "starts": "2026-01-01"},
            "kind",
        ),
        (
            "/entitlements",
            {
                "organization": desk.kiwi.pk,
                "kind": "trial",
                "starts": "2026-02-01",
                "ends": "2026-01-01",
            },
            "ends",
        ),
        (
            "/entitlements",
            {"organization": desk.kiwi.pk, "kind": "trial", "starts": "soon"},
            "starts",
        ),
    ]:
        r = lead.post(path, body)
        assert 400 <= r.status_code < 500, (path, body, r.content)
        assert r.json()["field"] == field, (path, body, r.json())
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("status", {"to": "done"}, "to"),
        ("status", {"to": "resolved", "at": "2026-11-20T10:00:00"}, "at"),
        ("level", {"to": "sev9"}, "to"),
        ("replies", {"body": ""}, "body"),
        ("assign", {"assignee": "nobody"}, "assignee"),
        ("assign", {"team": "nowhere"}, "team"),
        ("calls", {"direction": "sideways", "summary": "x"}, "direction"),
        ("scope", {"decision": "maybe", "reason": "x"}, "decision"),
        ("scope", {"decision": "excluded", "reason": "x", "exclusion": "nope"}, "exclusion"),
        ("scope", {"decision": "customer_caused", "reason": "x"}, "cause"),
        ("split", {"parts": []}, "parts"),
        (
            "split",
            {"parts": [{"subject": "a", "description": "b", "level": "sev1"}]},
            "parts[0].level",
        ),
        ("merge", {"into": "SR-999999"}, "into"),
    ],
)
def test_it_rejects_bad_actions_naming_the_field(desk, api_as, clock, path, body, field):
    lead = api_as(desk.lead_token)
    number = lead.post("/requests", {**GOOD, "contact": desk.mere.pk}).json()["number"]
    before = _snapshot()
    r = lead.post(f"/requests/{number}/{path}", body)
    assert 400 <= r.status_code < 500, r.content
    assert r.json()["field"] == field, r.json()
    assert _snapshot() == before


def test_it_answers_404_for_a_number_that_does_not_exist(desk, api_as):
    for number in ("SR-999999", "999999", "bogus", "SR-"):
        r = api_as(desk.lead_token).get(f"/requests/{number}")
        assert r.status_code == 404 and r.json()["field"] == "number"


def test_it_answers_a_bug_with_json_and_logs_it(desk, api_as, monkeypatch, caplog):
    from accord.api import requests as endpoints

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    lead = api_as(desk.lead_token)
    number = lead.post("/requests", {**GOOD, "contact": desk.mere.pk}).json()["number"]
    monkeypatch.setattr(endpoints.present, "detail", broken)
    r = lead.get(f"/requests/{number}")
    assert r.status_code == 500
    assert r.json() == {"detail": "internal error; it has been logged", "field": None}
    assert "boom" in caplog.text
