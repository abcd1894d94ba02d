"""Billable work to invoice through the API: time, expenses with evidence, per-incident charges.

The scenario of issue 13: a capella customer-caused error with 150 minutes
before the determination and 90 after, supplies with and without advance
approval, travel whose evidence arrives a week later, a capsure guard's
accepted incident; totals to the cent, nothing billed twice, CSV = JSON, and
the PDF read back with pdftotext.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from .personas import ny, nz

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "pdf-test-deps"
PERIOD = {"period_start": "2026-11-01", "period_end": "2026-11-30"}
RECEIPT = b"%PDF-1.4\n% a scanned receipt\n"


@pytest.fixture(scope="session")
def pdftotext() -> str:
    found = shutil.which("pdftotext")
    if not found:
        run = subprocess.run([str(SCRIPT)], capture_output=True, text=True, timeout=900)
        found = shutil.which("pdftotext")
        if not found:
            pytest.fail(f"{SCRIPT} could not install poppler-utils:\n{run.stderr[-2000:]}")
    return found


def evidence(api, expense_id, name="receipt.pdf", body=RECEIPT, content_type="application/pdf"):
    return api.client.post(
        f"/api/v1/expenses/{expense_id}/evidence",
        {"file": SimpleUploadedFile(name, body, content_type=content_type)},
        headers=api.headers,
    )


def _capella_case(desk, api_as, clock):
    """SR: 150 min before the determination, 90 after; three expenses."""
    agent = api_as(desk.agent_token)
    number = agent.post(
        "/requests",
        {
            "contact": desk.mere.pk,
            "channel": "email",
            "level": "high",
            "subject": "Reports broken",
            "description": "Broken since our upgrade script ran.",
        },
    ).json()["number"]
    t1 = agent.post(f"/requests/{number}/time", {"minutes": 150, "note": "diagnosis"})
    assert t1.json()["billable"] is False
    agent.post(
        f"/requests/{number}/scope",
        {"decision": "customer_caused", "reason": "their script", "cause": "customer_change"},
    )
    clock.set(nz(2026, 11, 20, 18, 30))
    t2 = agent.post(
        f"/requests/{number}/time",
        {
            "started": "2026-11-20T03:35:00Z",
            "ended": "2026-11-20T05:04:40Z",  # 89 min 40 s: rounded to 90 minutes
            "note": "restored the schema",
        },
    )
    assert (t2.status_code, t2.json()["minutes"], t2.json()["billable"]) == (201, 90, True)
    base = {"incurred_on": "2026-11-19", "description": "Replacement cable"}
    approved = agent.post(
        f"/requests/{number}/expenses",
        {
            **base,
            "kind": "supplies",
            "amount": "35.20",
            "approved_by": "Mere",
            "approved_on": "2026-11-18",
        },
    ).json()
    assert evidence(agent, approved["id"]).status_code == 201
    unapproved = agent.post(
        f"/requests/{number}/expenses", {**base, "kind": "supplies", "amount": "12.00"}
    ).json()
    travel = agent.post(
        f"/requests/{number}/expenses",
        {"kind": "travel", "amount": "88.40", "incurred_on": "2026-11-20", "description": "Taxi"},
    ).json()
    return agent, number, unapproved, travel


def _manager(api_as, clock, name="mia"):
    from accord.accounts import services as accounts

    accounts.create_user(name, role="manager", now=clock.at)
    return api_as(accounts.create_token(user=name))


def test_a_capella_month_invoices_to_the_cent_and_nothing_twice(desk, api_as, clock, pdftotext):
    agent, number, unapproved, travel = _capella_case(desk, api_as, clock)
    org = {"organization": desk.kiwi.pk, **PERIOD}
    # Invoices are billing across requests: a manager's (docs/roles.md), not an agent's.
    refused = agent.post("/invoices", org)
    assert refused.status_code == 403 and "billing" in refused.json()["detail"]
    agent = _manager(api_as, clock)
    draft = agent.post("/invoices", org).json()
    assert [(line["kind"], line["amount"], line["clause"]) for line in draft["lines"]] == [
        ("time", "180.00", "2.2"),
        ("expense", "35.20", "4.6"),
    ]
    assert draft["lines"][0]["minutes"] == 90  # the 150 minutes before are not billed
    assert draft["total"] == "215.20" and draft["currency"] == "NZD"
    waiting = {item["expense"]: item["why"] for item in draft["not_invoiceable"]}
    assert waiting == {
        unapproved["id"]: [
            "no advance approval from the customer (4.6)",
            "no written evidence attached (4.6)",
        ],
        travel["id"]: ["no written evidence attached (4.6)"],
    }
    # A week later the taxi receipt arrives: drafted again, the travel is invoiced.
    clock.set(nz(2026, 11, 27, 10))
    assert evidence(agent, travel["id"], "taxi.png", b"\x89PNG...", "image/png").status_code == 201
    draft = agent.post("/invoices", org).json()
    assert draft["total"] == "303.60"
    assert [item["expense"] for item in draft["not_invoiceable"]] == [unapproved["id"]]
    assert agent.get(f"/invoices/{draft['id'] - 1}").status_code == 404  # replaced

    issued = agent.post(f"/invoices/{draft['id']}/issue", {}).json()
    assert (issued["number"], issued["status"], issued["total"]) == (
        "2026-0001",
        "issued",
        "303.60",
    )
    assert agent.post(f"/invoices/{draft['id']}/issue", {}).status_code == 409
    # Nothing is billed twice: the next draft of the month has no lines.
    again = agent.post("/invoices", org).json()
    assert again["lines"] == [] and again["total"] == "0.00"
    assert agent.post(f"/invoices/{again['id']}/issue", {}).status_code == 422

    # CSV: one row per line, the same as the JSON.
    rows = list(
        csv.DictReader(io.StringIO(agent.get(f"/invoices/{draft['id']}/csv").content.decode()))
    )
    got = agent.get(f"/invoices/{draft['id']}").json()
    assert [(r["request"], r["amount"], r["clause"]) for r in rows] == [
        (line["request"], line["amount"], line["clause"]) for line in got["lines"]
    ]
    assert sum(Decimal(r["amount"]) for r in rows) == Decimal(got["total"])
    assert {r["invoice"] for r in rows} == {"2026-0001"}
    # PDF: it opens, and the totals are in it.
    pdf = agent.get(f"/invoices/{draft['id']}/pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = subprocess.run(
        [pdftotext, "-layout", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    assert "Invoice 2026-0001" in text and "Kiwi Ltd" in text
    assert "NZD 303.60" in text and "NZD 180.00" in text and "2.2" in text

    # A credit note reverses it; the work can then be invoiced again.
    note = agent.post(f"/invoices/{draft['id']}/credit", {"reason": "wrong month"}).json()
    assert (note["number"], note["total"], note["credits"]) == ("2026-0002", "-303.60", "2026-0001")
    assert agent.get(f"/invoices/{draft['id']}").json()["status"] == "credited"
    assert agent.post("/invoices", org).json()["total"] == "303.60"


def test_a_capsure_guards_accepted_incident_is_billed_per_incident(desk, api_as, clock):
    clock.set(ny(2026, 11, 24, 10))
    agent = api_as(desk.agent_token)
    number = agent.post(
        "/requests",
        {
            "contact": desk.gil.pk,
            "channel": "phone",
            "level": "sev3",
            "subject": "Gate tablet",
            "description": "Tablet rejects logins.",
        },
    ).json()["number"]
    early = agent.post(f"/requests/{number}/time", {"minutes": 10, "note": "explained the rate"})
    assert early.json()["billable"] is False
    r = agent.post(f"/requests/{number}/accept-charge", {"accepted_by": "Gil", "channel": "phone"})
    assert r.status_code == 200 and r.json()["scope"]["decision"] == "in_scope"
    agent.post(f"/requests/{number}/time", {"minutes": 47, "note": "fixed the tablet"})
    draft = (
        _manager(api_as, clock).post("/invoices", {"organization": desk.gate.pk, **PERIOD}).json()
    )
    ((line),) = draft["lines"]
    assert (line["minutes"], line["amount"], draft["currency"]) == (47, "94.00", "USD")
    assert "per-incident" in line["clause"] or "Hourly Support Rate" in line["clause"]


def test_a_manager_overrides_billable_with_a_reason_and_agents_cannot(desk, api_as, clock):
    from accord.accounts import services as accounts

    accounts.create_user("mia", role="manager", now=clock.at)
    manager = api_as(accounts.create_token(user="mia"))
    agent = api_as(desk.agent_token)
    number = agent.post(
        "/requests",
        {
            "contact": desk.mere.pk,
            "channel": "email",
            "level": "low",
            "subject": "Training",
            "description": "Please show us the report builder.",
        },
    ).json()["number"]
    entry = agent.post(f"/requests/{number}/time", {"minutes": 60, "note": "training"}).json()
    refused = agent.post(f"/time/{entry['id']}/billable", {"billable": True, "reason": "x"})
    assert (refused.status_code, refused.json()["field"]) == (403, "billable")
    blank = manager.post(f"/time/{entry['id']}/billable", {"billable": True, "reason": " "})
    assert (blank.status_code, blank.json()["field"]) == (422, "reason")
    ok = manager.post(f"/time/{entry['id']}/billable", {"billable": True, "reason": "agreed"})
    assert ok.json()["billable"] is True and ok.json()["override_reason"] == "agreed"
    assert ok.json()["clause"] == "2.2 (manager's override)"


def test_it_refuses_bad_input_naming_the_field(desk, api_as, clock):
    agent = api_as(desk.agent_token)
    r = _manager(api_as, clock).post(
        "/invoices",
        {"organization": desk.kiwi.pk, "period_start": "2026-11-30", "period_end": "2026-11-01"},
    )
    assert (r.status_code, r.json()["field"]) == (422, "period_end")
    r = _manager(api_as, clock, "mia2").post("/invoices", {"organization": 999999, **PERIOD})
    assert (r.status_code, r.json()["field"]) == (422, "organization")
    number = agent.post(
        "/requests",
        {
            "contact": desk.mere.pk,
            "channel": "email",
            "level": "low",
            "subject": "x",
            "description": "y",
        },
    ).json()["number"]
    t = agent.post(f"/requests/{number}/time", {"note": "x", "started": "2026-11-20T03:00:00Z"})
    assert (t.status_code, t.json()["field"]) == (422, "ended")
    e = agent.post(
        f"/requests/{number}/expenses",
        {"kind": "travel", "amount": "5", "incurred_on": "2026-11-20", "description": "Bus"},
    ).json()
    bad = evidence(agent, e["id"], "x.exe", b"MZ", "application/x-msdownload")
    assert (bad.status_code, bad.json()["field"]) == (422, "file")
    assert api_as(desk.mere_token).get("/invoices").status_code == 403
    assert agent.get("/invoices").status_code == 403
