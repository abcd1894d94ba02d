"""An unknown sender from a customer's mail domain joins that customer, unverified.

Mail goes through the pipeline as `accord mail ingest` runs it; the agent
confirms the sender through the desk's contact page (HTTP).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from accord.audit.models import AuditEntry
from accord.contracts import edits
from accord.intake.models import HoldingOrganization, UnverifiedContact
from accord.tickets.models import Request
from intake.support import CAPSURE, deliver, message


def from_tui(n: int, sender: str = "Tui <Tui@Kiwi.Example>", to: str | None = None) -> Request:
    extra = {"to": to} if to else {}
    result = deliver(
        message(f"Printing fails {n}", sender=sender, message_id=f"tui{n}@x.example", **extra)
    )
    assert result.raw.request is not None, result.raw.reason
    return result.raw.request


def codes(request: Request) -> list[str]:
    request.refresh_from_db()
    return [f["code"] for f in request.flags]


def test_it_matches_an_unknown_sender_to_the_organisation_of_their_domain(
    mail_desk: Any,
) -> None:
    edits.add_domain(mail_desk.lead, mail_desk.kiwi.pk, "kiwi.example")
    first = from_tui(1)
    contact = first.contact
    assert first.organization == mail_desk.kiwi and contact.organization == mail_desk.kiwi
    assert (contact.email, contact.role, contact.name) == ("tui@kiwi.example", "user", "Tui")
    assert UnverifiedContact.objects.filter(contact=contact).exists()
    assert not HoldingOrganization.objects.exists()
    # The contract applies at once (capella 5.1 covers every role); the agent confirms.
    assert first.scope == "in_scope"
    [flag] = [f for f in first.flags if f["code"] == "unverified_sender"]
    assert "matched to Kiwi Ltd by its domain kiwi.example" in flag["message"]
    entry = AuditEntry.objects.get(action="contact.create_unverified")
    assert entry.data["matched_domain"] == "kiwi.example"
    second = from_tui(2)
    assert second.contact == contact and "unverified_sender" in codes(second)

    client = Client()
    client.force_login(get_user_model().objects.get(username="agent"))
    page = client.get(f"/contacts/{contact.pk}/")
    assert b"Confirm" in page.content
    done = client.post(f"/contacts/{contact.pk}/confirm/")
    assert done.status_code == 302, done.content
    assert not UnverifiedContact.objects.filter(contact=contact).exists()
    assert "unverified_sender" not in codes(first) and "unverified_sender" not in codes(second)
    assert AuditEntry.objects.filter(action="contact.confirm").count() == 1
    assert "unverified_sender" not in codes(from_tui(3))


def test_a_capsure_domain_sender_is_an_end_user_supported_per_incident(mail_desk: Any) -> None:
    edits.add_domain(mail_desk.lead, mail_desk.gate.pk, "gate.example")
    request = from_tui(1, sender="Pat <pat@gate.example>", to=CAPSURE)
    assert request.organization == mail_desk.gate and request.contact.role == "user"
    assert request.scope == "not_entitled"  # end users accept the per-incident charge first


def test_a_deactivated_organisation_claims_no_sender(mail_desk: Any) -> None:
    edits.add_domain(mail_desk.lead, mail_desk.kiwi.pk, "kiwi.example")
    edits.set_organization_active(mail_desk.lead, mail_desk.kiwi.pk, False)
    request = from_tui(1)
    assert HoldingOrganization.objects.filter(organization=request.organization).exists()
    assert request.scope == "not_entitled"


def test_mail_from_a_deactivated_contact_waits_for_an_agent(mail_desk: Any) -> None:
    edits.add_domain(mail_desk.lead, mail_desk.kiwi.pk, "kiwi.example")
    edits.set_contact_active(mail_desk.lead, mail_desk.mere.pk, False)
    request = from_tui(1, sender="Mere <mere@kiwi.example>")
    assert request.contact != mail_desk.mere
    assert HoldingOrganization.objects.filter(organization=request.organization).exists()
    assert "unverified_sender" in codes(request)


def test_a_confirmed_sender_cannot_be_confirmed_twice_and_customers_cannot(
    mail_desk: Any,
) -> None:
    from accord.accounts.actor import Actor
    from accord.errors import Forbidden, Invalid
    from accord.intake.services import confirm_sender

    edits.add_domain(mail_desk.lead, mail_desk.kiwi.pk, "kiwi.example")
    contact = from_tui(1).contact
    with pytest.raises(Forbidden):
        confirm_sender(Actor(contact=mail_desk.mere), contact=contact.pk)
    confirm_sender(mail_desk.lead, contact=contact.pk)
    with pytest.raises(Invalid) as refused:
        confirm_sender(mail_desk.lead, contact=contact.pk)
    assert refused.value.field == "contact"
