"""The desk's "New request" form over HTTP: search, a known contact, a new caller, bad input."""

from __future__ import annotations

from datetime import timedelta

from desk.personas import NY
from django.test import Client

from accord.intake.models import HoldingOrganization
from accord.tickets.models import Request

URL = "/requests/new/"


def form(**extra: str) -> dict[str, str]:
    return {
        "channel": "voicemail",
        "level": "sev1",
        "subject": "Gate controller down",
        "description": "Left a voicemail: no gate opens.",
        "request_type": "",
        **extra,
    }


def test_it_finds_contacts_by_name_email_and_any_way_of_writing_the_number(desk, agent_client):
    for q in ("sam", "SAM@gate", "(212) 555-0100", "+1 212 555 0100"):
        page = agent_client.get(URL, {"who": q}).content.decode()
        assert f'data-contact="{desk.sam.pk}"' in page, q
    assert 'id="no-match"' in agent_client.get(URL, {"who": "nobody-like-this"}).content.decode()


def test_it_shows_the_policys_levels_with_their_definitions(desk, agent_client):
    page = agent_client.get(URL, {"contact": desk.sam.pk}).content.decode()
    assert "Problem with a catastrophic impact" in page  # capsure sev1's definition
    assert "Call placed at (America/New_York)" in page


def test_an_agent_records_last_nights_voicemail(desk, agent_client, clock):
    left = (clock.at - timedelta(hours=2)).astimezone(NY).replace(second=0, microsecond=0)
    r = agent_client.post(
        URL, {"contact": str(desk.sam.pk), **form(received=left.strftime("%Y-%m-%dT%H:%M"))}
    )
    assert r.status_code == 302, r.content.decode()[-2000:]
    request = Request.objects.get()
    assert r["Location"] == f"/requests/{request.display_number}/"
    assert request.channel == "voicemail" and request.received == left == request.notice
    assert request.contact == desk.sam and request.level == "sev1"
    assert request.events.get(kind="opened").data["given_by"] == "user:agent"
    first, ack = request.messages.all()
    assert first.direction == "inbound" and ack.automated
    page = agent_client.get(r["Location"]).content.decode()
    assert "as given by agent, entered" in page


def test_empty_call_time_is_now(desk, agent_client, clock):
    r = agent_client.post(URL, {"contact": str(desk.sam.pk), **form(channel="phone")})
    assert r.status_code == 302
    request = Request.objects.get()
    assert request.received == clock.at and "given_by" not in request.events.get(kind="opened").data


def test_more_than_a_day_back_is_refused_on_the_field(desk, agent_client, clock):
    old = (clock.at - timedelta(hours=25)).astimezone(NY)
    r = agent_client.post(
        URL, {"contact": str(desk.sam.pk), **form(received=old.strftime("%Y-%m-%dT%H:%M"))}
    )
    assert r.status_code == 403
    assert 'data-field="received"' in r.content.decode()
    assert Request.objects.count() == 0


def test_a_missing_level_and_subject_are_form_errors(desk, agent_client):
    r = agent_client.post(URL, {"contact": str(desk.sam.pk), **form(level="", subject="")})
    assert r.status_code == 422
    page = r.content.decode()
    assert 'data-field="level"' in page and 'data-field="subject"' in page
    assert Request.objects.count() == 0


def test_a_new_caller_gets_an_unverified_contact_of_their_own(desk, agent_client):
    caller = {
        "caller": "1",
        "caller_phone": "646 555 0199",
        "caller_name": "Pat",
        "policy": "capsure",
    }
    step = agent_client.get(URL, caller)
    assert step.status_code == 200 and "New caller" in step.content.decode()
    r = agent_client.post(URL, {**caller, **form(channel="phone", level="sev2")})
    assert r.status_code == 302, r.content.decode()[-2000:]
    request = Request.objects.get()
    assert request.contact.name == "Pat" and request.contact.phone_e164 == "+16465550199"
    assert request.scope == "not_entitled"
    assert any(f["code"] == "unverified_caller" for f in request.flags)
    assert (
        HoldingOrganization.objects.get(organization=request.organization).phone == "+16465550199"
    )


def test_a_new_caller_with_a_known_number_is_that_contact(desk, agent_client):
    caller = {"caller": "1", "caller_phone": "212-555-0100", "caller_name": "", "policy": "capsure"}
    r = agent_client.get(URL, caller)
    assert r.status_code == 302 and r["Location"] == f"{URL}?contact={desk.sam.pk}"


def test_a_customer_cannot_use_the_desk_form(desk):
    assert Client().get(URL).status_code == 302  # to the login page


def test_a_new_callers_number_that_is_no_number_is_refused_on_the_field(desk, agent_client):
    r = agent_client.get(URL, {"caller": "1", "caller_phone": "call me", "policy": "capsure"})
    assert r.status_code == 422
    assert 'data-field="caller_phone"' in r.content.decode()
