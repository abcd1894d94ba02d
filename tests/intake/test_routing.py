"""Support addresses, unknown senders, exclusions with the seed's guidance."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from accord.intake.models import HoldingOrganization, RawMessage, SupportAddress
from accord.notify.models import Outbox
from accord.tickets.exclusions import confirm_exclusion
from intake.support import CAPSURE, deliver, message

NY = ZoneInfo("America/New_York")


def test_it_routes_by_the_support_address(mail_desk: Any) -> None:
    request = deliver(message("Camera offline", sender="sam@gate.example", to=CAPSURE)).raw.request
    assert request.policy == "capsure" and request.level == "sev3"
    assert request.organization == mail_desk.gate
    assert Outbox.objects.get(request=request).from_email == f"CapSure Help <{CAPSURE}>"


def test_it_sends_mail_to_an_unclaimed_address_to_the_default_mailbox(mail_desk: Any) -> None:
    result = deliver(message("Hello", to="sales@capella.example"))
    assert result.raw.state == "processed"
    assert result.raw.address == SupportAddress.objects.get(is_default=True)


def test_it_routes_by_delivered_to_when_the_recipient_is_a_list(mail_desk: Any) -> None:
    result = deliver(
        message(
            "Camera offline",
            sender="sam@gate.example",
            to="undisclosed-recipients:;",
            Delivered_To=CAPSURE,
        )
    )
    assert result.raw.address is not None and result.raw.address.email == CAPSURE


def test_it_gives_an_unknown_sender_an_unverified_contact_and_explains(mail_desk: Any) -> None:
    request = deliver(
        message("Help please", sender="New Person <new@unknown.example>", message_id="n1@u")
    ).raw.request
    assert request.scope == "not_entitled"
    assert request.contact.email == "new@unknown.example"
    assert hasattr(request.contact, "unverified")
    assert HoldingOrganization.objects.get(policy="capella").organization == request.organization
    assert any(f["code"] == "unverified_sender" for f in request.flags)
    ack = Outbox.objects.get(request=request)
    assert ack.state == "queued"
    assert "We do not recognise new@unknown.example" in ack.body_text
    assert "link your address to your organisation" in ack.body_text
    again = deliver(message("Another", sender="new@unknown.example", message_id="n2@u"))
    assert again.raw.request.contact == request.contact


def test_it_suggests_an_exclusion_and_mails_the_guidance_once_an_agent_confirms(
    mail_desk: Any,
) -> None:
    request = deliver(message("Please reset my password", body="I forgot it.")).raw.request
    assert (request.scope, request.suggested_exclusion) == ("in_scope", "password_reset")
    ack = Outbox.objects.get(request=request)
    assert "Target for first response" in ack.body_text  # the targets run meanwhile
    assert "Forgot your password?" not in ack.body_text
    confirm_exclusion(mail_desk.lead, request.number)
    guidance = Outbox.objects.filter(request=request).exclude(pk=ack.pk).get()
    assert guidance.to_email == "mere@kiwi.example"
    assert "Forgot your password?" in guidance.body_text
    assert "Forgot your password?" in guidance.body_html
    assert "clause 2.4.1" in guidance.body_text


def test_it_acknowledges_with_number_level_dues_hours_and_out_of_hours_advice(
    mail_desk: Any,
) -> None:
    request = deliver(message("Printing fails")).raw.request
    ack = Outbox.objects.get(request=request)
    text = ack.body_text
    assert request.display_number in text and request.display_number in ack.subject
    assert "Medium:" in text
    assert "Target for first response: by" in text
    assert "(UTC+13:00, your time)" not in text  # the sender's clock is on NZ time already
    assert "Support hours: Mon-Fri 09:00-17:00 (Pacific/Auckland time)" in text


def _capsure_mail_at(monkeypatch: Any, at: datetime) -> Outbox:
    monkeypatch.setattr(timezone, "now", lambda: at)
    raw = message("Camera offline", sender="sam@gate.example", to=CAPSURE).replace(
        b"+1300", b"+0100"
    )
    return Outbox.objects.get(request=deliver(raw).raw.request)


def test_it_shows_dues_in_the_senders_zone_and_the_phone_line_out_of_hours(
    mail_desk: Any, monkeypatch: Any
) -> None:
    ack = _capsure_mail_at(monkeypatch, datetime(2026, 11, 20, 22, 0, tzinfo=NY))
    assert "(UTC+01:00, your time)" in ack.body_text
    assert ack.body_text.count("866-416-4800") == 1


def test_it_leaves_out_the_out_of_hours_advice_in_hours(mail_desk: Any, monkeypatch: Any) -> None:
    ack = _capsure_mail_at(monkeypatch, datetime(2026, 11, 20, 10, 0, tzinfo=NY))
    assert "(UTC+01:00, your time)" in ack.body_text
    assert "866-416-4800" not in ack.body_text


def test_it_opens_a_request_for_mail_without_any_sender(mail_desk: Any) -> None:
    raw = b"To: support@capella.example\nSubject: who am I\n\nbody\n"
    result = deliver(raw)
    assert result.raw.state == "processed"
    request = result.raw.request
    assert request.contact.email == "" and request.scope == "not_entitled"
    assert any(f["code"] == "no_sender" for f in request.flags)
    assert not Outbox.objects.filter(request=request).exists()
    assert RawMessage.objects.get().raw == raw


def test_it_stores_mail_with_nul_characters_on_every_database(mail_desk: Any) -> None:
    raw = (
        b"From: Mere <mere@kiwi.example>\nTo: support@capella.example\n"
        b"Subject: bad\x00 bytes\nMessage-ID: <nul\x00@kiwi.example>\n\nline one\x00 line two\n"
    )
    result = deliver(raw)
    assert result.raw.state == "processed", result.raw.reason
    assert "\x00" not in result.raw.request.description
    assert RawMessage.objects.get().raw == raw
