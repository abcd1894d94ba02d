"""The portal through HTTP (Django's test client): access, visibility, submit, follow.

The browser journeys are in test_portal_browser.py; these cover the rules
one by one, each able to fail on its own.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from desk.personas import Desk, build_desk
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from accord.intake.models import Participant
from accord.portal import accounts
from accord.portal.models import PortalAccount
from accord.tickets import actions, intake
from accord.tickets.models import Attachment, Event, Message, Request, Scope

from .conftest import PASSWORD, SignedIn, activate, last_link, received, text_of


def submit(client: Client, **fields: Any) -> Any:
    data = {
        "subject": "Payments page is down",
        "description": "Customers cannot pay since 16:00.",
        "level": "urgent",
        "request_type": "",
    }
    data.update(fields)
    return client.post("/portal/new/", data)


def test_it_opens_a_request_through_the_tickets_service(desk: Desk, portal: SignedIn) -> None:
    client = portal(desk.mere)
    resp = submit(client, attachments=SimpleUploadedFile("log.txt", b"trace", "text/plain"))
    assert resp.status_code == 302, resp.content[:500]
    req = Request.objects.get()
    assert resp["Location"] == f"/portal/requests/{req.display_number}/?new=1"
    assert (req.channel, req.level, req.contact, req.scope) == (
        "portal",
        "urgent",
        desk.mere,
        "in_scope",
    )
    assert list(req.events.values_list("kind", flat=True)) == ["opened", "scope", "auto_reply"]
    first = Message.objects.get(request=req, direction="inbound")
    assert "Company: Kiwi Ltd" in first.body_text and "Phone: +64 4 555 0101" in first.body_text
    assert first.attachments.get().filename == "log.txt"
    page = client.get(resp["Location"]).content.decode()
    assert req.display_number in page
    # Fri 16:30 NZ with one support hour: due Monday 09:30 (the weekend skipped).
    assert "We will reply by Mon 23 Nov 09:30 NZDT (in 1 support hour, clause 5.6" in page


def test_it_refuses_bad_input_naming_the_field_and_storing_nothing(
    desk: Desk, portal: SignedIn
) -> None:
    client = portal(desk.mere)
    for fields, name in (
        ({"subject": "  "}, "subject"),
        ({"level": "sev1"}, "level"),
        ({"continues": "SR-99999"}, "continues"),
        ({"description": ""}, "description"),
    ):
        resp = submit(client, **fields)
        assert resp.status_code in (404, 422), (fields, resp.status_code)
        assert f'data-field="{name}"' in resp.content.decode(), fields
    assert not Request.objects.exists()


def test_it_deflects_an_excluded_type_and_records_it_when_sent_anyway(
    desk: Desk, portal: SignedIn
) -> None:
    client = portal(desk.mere)
    first = submit(client, subject="Cannot get in", request_type="password_reset")
    assert first.status_code == 200
    assert "Forgot your password?" in first.content.decode()  # the seed's guidance, 2.4.1
    assert not Request.objects.exists()
    resp = submit(
        client, subject="Cannot get in", request_type="password_reset", confirm_excluded="1"
    )
    req = Request.objects.get()
    assert (req.scope, req.scope_clause, req.request_type) == (
        "excluded",
        "2.4.1",
        "password_reset",
    )
    assert "Forgot your password?" in req.scope_guidance
    assert resp.status_code == 302
    # an agent can still reclassify it
    from accord.tickets import restructure

    restructure.override_scope(desk.agent, req.number, decision="in_scope", reason="a real fault")
    req.refresh_from_db()
    assert req.scope == Scope.IN_SCOPE


def test_a_capsure_guard_accepts_the_charge_in_the_form(desk: Desk, portal: SignedIn) -> None:
    client = portal(desk.gil)
    form = client.get("/portal/new/").content.decode()
    assert "USD 120.00 per hour" in form and "Severity 1" in form
    submit(client, level="sev3", subject="Gate reader offline")
    declined = Request.objects.get()
    assert declined.scope == Scope.NOT_ENTITLED  # open, not entitled
    submit(client, level="sev3", subject="Second gate offline", accept_charge="1")
    accepted = Request.objects.exclude(pk=declined.pk).get()
    assert accepted.scope == Scope.IN_SCOPE
    agreement = accepted.per_incident_agreement
    assert agreement.accepted_by == "Gil (portal)" and agreement.currency == "USD"


def test_a_staff_session_does_not_open_the_portal_and_a_contact_no_desk_page(
    desk: Desk, portal: SignedIn
) -> None:
    assert desk.agent.user is not None
    staff = signed_in_user(desk.agent.user)
    resp = staff.get("/portal/")
    assert resp.status_code == 302 and resp["Location"].startswith("/portal/login/")
    contact = portal(desk.mere)
    assert contact.get("/").status_code == 403
    assert contact.get("/admin/").status_code == 302  # the admin's own login


def signed_in_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_contacts_see_their_own_administrators_all_and_others_a_404(
    desk: Desk, portal: SignedIn
) -> None:
    def opened(contact: Any, level: str, subject: str) -> Request:
        return intake.open_request(
            desk.lead, contact=contact.pk, channel="email", level=level, subject=subject,
            description="As the subject says.",
        )  # fmt: skip

    sams = opened(desk.sam, "sev3", "Admin's own")
    gils = opened(desk.gil, "sev3", "Guard's own")
    olgas = opened(desk.olga, "low", "Other org")
    actions.post_message(desk.agent, olgas.number, body="internal", public=False)
    sam, gil = portal(desk.sam), portal(desk.gil)
    assert {sams.display_number, gils.display_number} <= set(_numbers(sam.get("/portal/?show=all")))
    assert _numbers(gil.get("/portal/?show=all")) == [gils.display_number]
    assert gil.get(f"/portal/requests/{sams.display_number}/").status_code == 404
    # copied on (a participant of the mail thread): the guard now sees the admin's request
    Participant.objects.create(request=sams, email="gil@gate.example")
    assert gil.get(f"/portal/requests/{sams.display_number}/").status_code == 200
    Participant.objects.create(request=olgas, email="gil@gate.example")  # another organisation
    assert gil.get(f"/portal/requests/{olgas.display_number}/").status_code == 404
    assert sam.get(f"/portal/requests/{olgas.display_number}/").status_code == 404
    assert sam.get(f"/portal/?q={olgas.number}").content.decode().count(olgas.display_number) == 0


def _numbers(resp: Any) -> list[str]:
    import re

    return re.findall(r'data-number="(SR-\d+)"', resp.content.decode())


def test_it_shows_public_messages_only_and_takes_replies_with_files(
    desk: Desk, portal: SignedIn
) -> None:
    client = portal(desk.mere)
    submit(client)
    req = Request.objects.get()
    actions.post_message(desk.agent, req.number, body="Looking now.")
    actions.post_message(desk.agent, req.number, body="SECRET internal note", public=False)
    page = client.get(f"/portal/requests/{req.display_number}/").content.decode()
    assert "Looking now." in page and "SECRET" not in page
    resp = client.post(
        f"/portal/requests/{req.display_number}/reply/",
        {
            "body": "Thanks, here is a screenshot",
            "attachments": SimpleUploadedFile("s.png", b"\x89PNG", "image/png"),
        },
    )
    assert resp.status_code == 302
    reply = Message.objects.filter(request=req, direction="inbound").latest("id")
    assert reply.channel == "portal" and reply.attachments.get().filename == "s.png"
    assert Event.objects.filter(request=req, kind="customer_reply").count() == 1
    blank = client.post(f"/portal/requests/{req.display_number}/reply/", {"body": " "})
    assert blank.status_code == 422 and 'data-field="body"' in blank.content.decode()


def test_the_customer_marks_solved_and_reopens(desk: Desk, portal: SignedIn) -> None:
    client = portal(desk.mere)
    submit(client)
    req = Request.objects.get()
    url = f"/portal/requests/{req.display_number}/status/"
    assert client.post(url, {"to": "resolved"}).status_code == 302
    req.refresh_from_db()
    assert req.status == "resolved"
    assert client.post(url, {"to": "resolved"}).status_code == 409
    assert client.post(url, {"to": "closed"}).status_code == 422
    assert client.post(url, {"to": "open"}).status_code == 302
    req.refresh_from_db()
    assert req.status == "open"
    assert req.events.filter(kind="status", actor=f"contact:{desk.mere.pk}").count() == 2


def test_attachments_and_feeds_of_another_organisation_are_404(
    desk: Desk, portal: SignedIn
) -> None:
    mere, olga = portal(desk.mere), portal(desk.olga)
    submit(mere, attachments=SimpleUploadedFile("a.txt", b"mine", "text/plain"))
    att = Attachment.objects.get()
    got = mere.get(f"/portal/attachments/{att.pk}/")
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"mine"  # type: ignore[attr-defined]
    assert got["Content-Disposition"].startswith("attachment")
    assert olga.get(f"/portal/attachments/{att.pk}/").status_code == 404
    key = PortalAccount.objects.get(contact=desk.mere).feed_key
    feed = Client().get(f"/portal/calendar/{key}.ics")
    assert feed.status_code == 200 and b"reply due: Payments page is down" in feed.content
    assert b"DTSTART:20261122T203000Z" in feed.content  # Mon 09:30 NZDT
    assert Client().get("/portal/calendar/not-the-key.ics").status_code == 404
    other_key = PortalAccount.objects.get(contact=desk.olga).feed_key
    assert b"Payments page" not in Client().get(f"/portal/calendar/{other_key}.ics").content


def test_invitation_by_api_mails_a_one_time_72_hour_link(
    desk: Desk, smtp: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.ACCORD_PUBLIC_URL = "http://testserver"
    api = Client()
    auth = {"Authorization": f"Bearer {desk.lead_token}"}
    resp = api.post(f"/api/v1/contacts/{desk.mere.pk}/invite", headers=auth)
    assert resp.status_code == 202, resp.content
    assert resp.json()["email"] == "mere@kiwi.example"
    link = last_link(smtp, "mere@kiwi.example")
    path = link.removeprefix("http://testserver")
    client = Client()
    weak = client.post(path, {"password1": "password", "password2": "password"})
    assert weak.status_code == 422 and b"too short" in weak.content
    similar = client.post(
        path, {"password1": "mere@kiwi.example", "password2": "mere@kiwi.example"}
    )
    assert similar.status_code == 422 and b"too similar" in similar.content
    done = client.post(path, {"password1": PASSWORD, "password2": PASSWORD})
    assert done.status_code == 302
    assert client.post(path, {"password1": PASSWORD, "password2": PASSWORD}).status_code == 400
    # customers cannot invite; a second invitation of an active account is a conflict
    assert (
        api.post(
            f"/api/v1/contacts/{desk.mere.pk}/invite",
            headers={"Authorization": f"Bearer {desk.olga_token}"},
        ).status_code
        == 403
    )
    assert api.post(f"/api/v1/contacts/{desk.mere.pk}/invite", headers=auth).status_code == 409
    # an unused link expires after 72 hours
    api.post(f"/api/v1/contacts/{desk.sam.pk}/invite", headers=auth)
    expired = last_link(smtp, "sam@gate.example").removeprefix("http://testserver")
    later = accounts.password_tokens._now() + timedelta(hours=72, minutes=1)
    monkeypatch.setattr(accounts.password_tokens, "_now", lambda: later)
    assert Client().get(expired).status_code == 400


def test_a_sign_in_link_works_once(desk: Desk, smtp: Any) -> None:
    activate(desk, desk.mere)
    client = Client()
    client.post("/portal/forgot/", {"email": "MERE@kiwi.example", "kind": "link"})
    link = last_link(smtp, "mere@kiwi.example").removeprefix("http://testserver")
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302
    assert client.get("/portal/").status_code == 200
    assert Client().post(link).status_code == 400
    # an unknown address gets the same answer and no mail
    before = len(smtp.messages)
    assert (
        b"If nobody@x.example has"
        in Client().post("/portal/forgot/", {"email": "nobody@x.example"}).content
    )
    assert len(smtp.messages) == before
    assert "sign-in link" in text_of(received(smtp)[-1])


def test_five_failures_lock_the_account_for_15_minutes(db: None) -> None:
    # On the server clock: django-axes reads its own clock (not the frozen one).
    real = build_desk(timezone.now())
    activate(real, real.mere)
    client = Client()
    for _ in range(4):
        resp = client.post("/portal/login/", {"email": "mere@kiwi.example", "password": "wrong"})
        assert resp.status_code == 400
    fifth = client.post("/portal/login/", {"email": "mere@kiwi.example", "password": "wrong"})
    assert fifth.status_code == 429
    assert b"locked for 15 minutes, until" in fifth.content
    right = client.post("/portal/login/", {"email": "mere@kiwi.example", "password": PASSWORD})
    assert right.status_code == 429  # even the right password, until the lock ends
    assert (
        Client()
        .post("/portal/login/", {"email": "mere@kiwi.example", "password": PASSWORD})
        .status_code
        == 429
    )
    # the staff login is throttled the same way, with a plain answer
    for _ in range(5):
        staff = Client().post("/login/", {"username": "lead", "password": "wrong"})
    assert staff.status_code == 429 and b"locked until" in staff.content


@pytest.mark.parametrize("url", ["ftp://desk.example", "desk.example", "https://desk.example/?a=1"])
def test_a_bad_public_url_is_refused_naming_the_variable(tmp_path: Any, url: str) -> None:
    from accord.config import ConfigError, load

    with pytest.raises(ConfigError) as err:
        load({"ACCORD_DATA_DIR": str(tmp_path), "ACCORD_PUBLIC_URL": url})
    assert err.value.variable == "ACCORD_PUBLIC_URL"
    good = load({"ACCORD_DATA_DIR": str(tmp_path), "ACCORD_PUBLIC_URL": "https://desk.example/"})
    assert good.public_url == "https://desk.example"


def test_the_list_and_the_request_page_make_a_constant_number_of_queries(
    desk: Desk, portal: SignedIn
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = portal(desk.mere)

    def count(path: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    submit(client)
    number = Request.objects.get().display_number
    one_list, one_page = count("/portal/?show=all"), count(f"/portal/requests/{number}/")
    for i in range(6):
        submit(client, subject=f"Another {i}", attachments=SimpleUploadedFile(f"{i}.txt", b"x"))
        actions.post_message(desk.agent, number, body=f"Reply {i}")
    assert count("/portal/?show=all") == one_list
    assert count(f"/portal/requests/{number}/") == one_page


def test_an_on_premises_customer_names_the_installation_and_release(
    desk: Desk, portal: SignedIn
) -> None:
    from datetime import date

    from accord.contracts import releases as lifecycle
    from accord.contracts import services as contracts

    org = contracts.create_organization(
        desk.lead, name="Onsite Ltd", policy="capella", hosting="on_premises"
    )
    contracts.create_entitlement(
        desk.lead, organization=org.pk, kind="support_agreement", starts=date(2026, 1, 1), ends=None
    )
    ana = contracts.create_contact(
        desk.lead, organization=org.pk, name="Ana", role="user", email="ana@onsite.example"
    )
    release = lifecycle.add_release(
        desk.lead, product="Capella Core", version="4.2", released_on=date(2026, 6, 1)
    )
    inst = lifecycle.set_installation(desk.lead, organization=org.pk, release=release.pk)
    client = portal(ana)
    form = client.get("/portal/new/").content.decode()
    assert 'name="installation"' in form and "Capella Core 4.2" in form
    submit(client, installation=str(inst.pk))
    first = Message.objects.get(request__contact=ana, direction="inbound")
    assert "Release: Capella Core 4.2 (on premises)" in first.body_text
    other = submit(client, installation=str(inst.pk + 999))
    assert other.status_code == 422 and 'data-field="installation"' in other.content.decode()
    # a hosted organisation's form has no release question
    assert 'name="installation"' not in portal(desk.mere).get("/portal/new/").content.decode()


def test_the_list_pages_by_25_newest_first(desk: Desk, portal: SignedIn) -> None:
    client = portal(desk.mere)
    for i in range(26):
        intake.open_request(
            desk.lead, contact=desk.mere.pk, channel="email", level="low",
            subject=f"Issue {i}", description="x",
        )  # fmt: skip
    first = client.get("/portal/")
    numbers = _numbers(first)
    assert len(numbers) == 25 and 'id="older"' in first.content.decode()
    second = _numbers(client.get("/portal/?show=open&page=2"))
    assert len(second) == 1 and second[0] not in numbers
    assert client.get("/portal/?page=x").status_code == 200
