"""capella 5.4 splits, merges, assignment and scope overrides."""

from __future__ import annotations

import pytest

from accord.tickets.models import Request

from .personas import nz


@pytest.fixture
def two_issues(desk, api_as, clock):
    return (
        api_as(desk.lead_token)
        .post(
            "/requests",
            {
                "contact": desk.mere.pk,
                "channel": "email",
                "level": "high",
                "subject": "Two problems",
                "description": "Reports are slow and the logo is blurry.",
            },
        )
        .json()["number"]
    )


def test_it_splits_a_request_into_new_numbers_running_from_the_original_notice(
    desk, api_as, clock, two_issues
):
    agent = api_as(desk.agent_token)
    clock.set(nz(2026, 11, 23, 9))
    agent.post(f"/requests/{two_issues}/replies", {"body": "We'll track these separately."})
    clock.set(nz(2026, 11, 23, 10))
    r = agent.post(
        f"/requests/{two_issues}/split",
        {
            "parts": [
                {"subject": "Logo blurry", "description": "The logo is blurry.", "level": "low"},
            ]
        },
    )
    assert r.status_code == 201, r.content
    [part] = r.json()
    assert part["number"] != two_issues and part["split_from"] == two_issues
    assert part["notice"] == "2026-11-20T16:30:00+13:00"
    assert part["level"] == "low"
    # The reply already given on the original answered this issue too.
    assert part["targets"]["first_response"]["state"] == "met"
    original = agent.get(f"/requests/{two_issues}").json()
    assert original["events"][-1]["kind"] == "split"


def test_it_merges_a_duplicate_which_keeps_its_number_and_stops_its_clocks(
    desk, api_as, clock, two_issues
):
    agent = api_as(desk.agent_token)
    dup = agent.post(
        "/requests",
        {
            "contact": desk.mere.pk,
            "channel": "email",
            "level": "urgent",
            "subject": "Same again",
            "description": "Reports are slow.",
        },
    ).json()["number"]
    r = agent.post(f"/requests/{dup}/merge", {"into": two_issues})
    assert r.status_code == 200, r.content
    assert r.json()["number"] == two_issues
    merged = agent.get(f"/requests/{dup}").json()
    assert merged["merged_into"] == two_issues
    assert merged["status"] == "closed"
    assert merged["targets"] == {"first_response": None, "resolution": None}
    assert Request.objects.filter(number=int(dup[3:])).exists()


def test_it_refuses_to_merge_across_organisations(desk, api_as, clock, two_issues):
    lead = api_as(desk.lead_token)
    other = lead.post(
        "/requests",
        {
            "contact": desk.olga.pk,
            "channel": "email",
            "level": "low",
            "subject": "Other",
            "description": "Other.",
        },
    ).json()["number"]
    r = lead.post(f"/requests/{other}/merge", {"into": two_issues})
    assert (r.status_code, r.json()["field"]) == (422, "into")


def test_it_assigns_an_agent_and_team(desk, api_as, two_issues):
    r = api_as(desk.lead_token).post(
        f"/requests/{two_issues}/assign", {"assignee": "agent", "team": "tier1"}
    )
    assert (r.json()["assignee"], r.json()["team"]) == ("agent", "tier1")


def test_it_applies_targets_from_the_original_notice_after_an_override(desk, api_as, clock):
    lead = api_as(desk.lead_token)
    number = lead.post(
        "/requests",
        {
            "contact": desk.lapsed_contact.pk,
            "channel": "email",
            "level": "urgent",
            "subject": "Crash",
            "description": "Crashes.",
        },
    ).json()["number"]
    clock.set(nz(2026, 11, 23, 11))
    r = lead.post(
        f"/requests/{number}/scope",
        {"decision": "in_scope", "reason": "Renewal signed, paperwork pending."},
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["scope"]["overridden"] is True and body["scope"]["decision"] == "in_scope"
    # Due Mon 09:30 from Friday's notice: already past at 11:00, so breached then.
    assert body["targets"]["first_response"]["state"] == "breached"
    assert body["targets"]["first_response"]["breached_at"] == "2026-11-23T09:30:00+13:00"


def test_it_records_a_customer_caused_error_as_billable_without_targets(desk, api_as, clock):
    lead = api_as(desk.lead_token)
    number = lead.post(
        "/requests",
        {
            "contact": desk.mere.pk,
            "channel": "email",
            "level": "high",
            "subject": "Broken after our change",
            "description": "We edited the config.",
        },
    ).json()["number"]
    r = lead.post(
        f"/requests/{number}/scope",
        {
            "decision": "customer_caused",
            "reason": "Customer edited the schema.",
            "cause": "customer_change",
        },
    )
    assert r.json()["scope"]["clause"] == "2.2"
    assert r.json()["targets"] == {"first_response": None, "resolution": None}
    r = lead.post(
        f"/requests/{number}/scope",
        {
            "decision": "excluded",
            "reason": "Hardware.",
            "exclusion": "hardware",
        },
    )
    assert r.json()["scope"]["clause"] == "2.4.7"
    assert "hardware supplier" in r.json()["scope"]["guidance"]


def test_each_part_is_acknowledged_with_its_own_targets(desk, api_as, clock):
    lead = api_as(desk.lead_token)
    number = lead.post(
        "/requests",
        {
            "contact": desk.mere.pk,
            "channel": "email",
            "level": "medium",
            "subject": "Three things",
            "description": "1. I forgot my password.\n2. Invoices crash.\n3. Totals differ.",
        },
    ).json()["number"]
    assert Request.objects.get(number=int(number[3:])).flags[0]["code"] == "several_issues"
    clock.set(nz(2026, 11, 23, 10))
    parts = lead.post(
        f"/requests/{number}/split",
        {
            "parts": [
                {"subject": "Invoices crash", "description": "The run crashes.", "level": "urgent"},
                {"subject": "Password", "description": "I forgot my password.", "level": "low"},
            ]
        },
    ).json()
    urgent, low = (Request.objects.get(number=int(p["number"][3:])) for p in parts)
    for part in (urgent, low):
        assert part.notice == nz(2026, 11, 20, 16, 30)  # the original notice
        [ack] = part.messages.filter(direction="outbound", automated=True)
        assert f"Your request {number} raised several issues" in ack.body_text
        assert f"logged it as {part.display_number}: {part.subject}" in ack.body_text
    urgent_ack = urgent.messages.get(direction="outbound").body_text
    low_ack = low.messages.get(direction="outbound").body_text
    # From Fri 16:30: 1 support hour is Mon 09:30; 36 support hours is Fri 12:30.
    assert "Target for first response: by Mon 23 Nov 2026 09:30 NZDT." in urgent_ack
    assert "Target for resolution" in urgent_ack
    assert "Target for first response: by Fri 27 Nov 2026 12:30 NZDT." in low_ack
    assert "Target for resolution" not in low_ack  # low has none (5.6)
    assert low.suggested_exclusion == "password_reset"  # the part's own text, a suggestion
    assert not Request.objects.get(number=int(number[3:])).flags  # split settles it
