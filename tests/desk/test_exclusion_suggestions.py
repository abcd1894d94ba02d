"""Suggested exclusions (capella 2.4): the targets run until an agent decides."""

from __future__ import annotations

from accord.tickets import intake, restructure
from accord.tickets.models import Message, Request


def _open(desk, subject, description, *, at, contact=None, request_type=""):
    return intake.open_request(
        desk.lead,
        contact=(contact or desk.mere).pk,
        channel="email",
        level="urgent",
        subject=subject,
        description=description,
        received=at,
        request_type=request_type,
        now=at,
    )


def test_it_suggests_an_exclusion_and_keeps_the_targets_running(desk, clock, api_as):
    r = _open(desk, "Can't log in", "I've forgotten my password, please help.", at=clock.at)
    assert (r.scope, r.suggested_exclusion) == ("in_scope", "password_reset")
    body = api_as(desk.lead_token).get(f"/requests/{r.number}").json()
    assert body["targets"]["first_response"]["state"] == "running"
    flag = next(f for f in body["flags"] if f["code"] == "exclusion_suggested")
    assert flag["clause"] == "2.4.1" and flag["exclusion"] == "password_reset"
    assert flag["message"].startswith("looks like 2.4.1 (Password reset)")
    assert "Forgot your password?" in flag["guidance"]
    ack = r.messages.get(direction="outbound")
    assert "Target for first response" in ack.body_text
    assert "Forgot your password?" not in ack.body_text  # not decided yet


def test_it_excludes_from_notice_when_an_agent_confirms_and_mails_the_guidance(desk, clock, api_as):
    r = _open(desk, "password", "pls reset password for user tmorgan", at=clock.at)
    api = api_as(desk.lead_token)
    done = api.post(f"/requests/{r.number}/exclusion/confirm", {})
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["scope"]["decision"] == "excluded" and body["scope"]["clause"] == "2.4.1"
    assert body["targets"] == {"first_response": None, "resolution": None}
    assert not [f for f in body["flags"] if f["code"] == "exclusion_suggested"]
    guidance = Message.objects.filter(request__number=r.number).latest("id")
    assert guidance.public and guidance.direction == "outbound" and guidance.automated
    assert "clause 2.4.1" in guidance.body_text
    assert "Assistance with password resets" in guidance.body_text  # the policy's words
    assert "Forgot your password?" in guidance.body_text
    scope = Request.objects.get(number=r.number).events.filter(kind="scope").last()
    assert scope.data["exclusion"] == "password_reset" and scope.actor == "user:lead"
    again = api.post(f"/requests/{r.number}/exclusion/confirm", {})
    assert again.status_code == 409 and again.json()["field"] == "number"


def test_it_keeps_the_targets_when_an_agent_dismisses_the_suggestion(desk, clock, api_as):
    r = _open(desk, "New printer", "Can you help us install our new label printer?", at=clock.at)
    assert r.suggested_exclusion == "hardware"
    api = api_as(desk.lead_token)
    assert api.get("/exclusions/suggested").json()["items"][0]["number"] == r.display_number
    bad = api.post(f"/requests/{r.number}/exclusion/dismiss", {"reason": "  "})
    assert (bad.status_code, bad.json()["field"]) == (422, "reason")
    done = api.post(
        f"/requests/{r.number}/exclusion/dismiss", {"reason": "their printer is our product"}
    ).json()
    assert done["scope"]["decision"] == "in_scope"
    assert done["targets"]["first_response"]["state"] == "running"
    assert api.get("/exclusions/suggested").json()["items"] == []
    stored = Request.objects.get(number=r.number)
    assert stored.suggested_exclusion == "" and stored.events.filter(kind="flag_cleared").exists()


def test_it_lists_only_open_suggestions_of_the_actors_organisations(desk, clock, api_as):
    _open(desk, "Reports crash", "The report crashes.", at=clock.at)
    wanted = _open(desk, "VPN", "Please help configure our VPN client.", at=clock.at)
    items = api_as(desk.lead_token).get("/exclusions/suggested").json()["items"]
    assert [(i["number"], i["suggestion"]["clause"]) for i in items] == [
        (wanted.display_number, "2.4.5")
    ]
    assert api_as(desk.mere_token).get("/exclusions/suggested").status_code == 403


def test_it_excludes_at_once_when_the_customer_chose_the_type(desk, clock):
    r = _open(desk, "Cannot get in", "Locked.", at=clock.at, request_type="lockout")
    assert (r.scope, r.scope_clause, r.suggested_exclusion) == ("excluded", "2.4.3", "")


def test_it_never_suggests_for_an_error_or_a_several_issue_mail(desk, clock):
    bug = _open(
        desk,
        "Xero integration stopped syncing",
        "The Xero integration stopped syncing invoices on Monday: 401 invalid token.",
        at=clock.at,
    )
    assert (bug.scope, bug.suggested_exclusion) == ("in_scope", "")
    several = _open(
        desk,
        "Three things",
        "1. I forgot my password.\n2. The invoice run crashes.\n3. Totals do not match.",
        at=clock.at,
    )
    assert several.suggested_exclusion == ""
    flag = next(f for f in several.flags if f["code"] == "several_issues")
    assert "issue 1 looks like 2.4.1" in flag["message"] and flag["clause"] == "5.4"


def test_an_agents_scope_override_settles_the_suggestion(desk, clock):
    r = _open(desk, "Custom report", "We would like a custom report for the board.", at=clock.at)
    assert r.suggested_exclusion == "customisation"
    done = restructure.override_scope(
        desk.lead, r.number, decision="in_scope", reason="it is a defect report"
    )
    assert done.suggested_exclusion == ""
    assert not [f for f in done.flags if f["code"] == "exclusion_suggested"]


def test_a_capsure_request_gets_no_suggestion(desk, clock):
    r = intake.open_request(
        desk.lead,
        contact=desk.sam.pk,
        channel="email",
        level="sev3",
        subject="Forgot password",
        description="I forgot my password for the portal.",
        received=clock.at,
        now=clock.at,
    )
    assert r.suggested_exclusion == "" and r.scope != "excluded"
