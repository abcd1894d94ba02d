"""Two unknown senders never share an organisation, so neither can see the other's requests."""

from __future__ import annotations

from typing import Any

from django.test import Client
from intake.support import deliver, message

from accord.accounts import services as accounts
from accord.contracts.models import Contact
from accord.intake.models import HoldingOrganization


def test_two_unverified_senders_are_isolated(mail_desk: Any) -> None:
    first = deliver(message("Help", sender="Ann <ann@unknown.example>", message_id="a@u")).raw
    second = deliver(message("Hi", sender="Bob <bob@elsewhere.example>", message_id="b@e")).raw
    again = deliver(message("More", sender="Ann <ANN@unknown.example>", message_id="c@u")).raw
    assert first.request.organization_id != second.request.organization_id
    assert again.request.organization_id == first.request.organization_id
    assert HoldingOrganization.objects.filter(policy="capella").count() == 2

    ann = Contact.objects.get(email="ann@unknown.example")
    token = accounts.create_token(contact=ann.pk)
    listed = Client().get("/api/v1/requests", headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200
    assert {r["number"] for r in listed.json()["items"]} == {
        first.request.display_number,
        again.request.display_number,
    }
    other = Client().get(
        f"/api/v1/requests/{second.request.display_number}",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert other.status_code == 404


def test_two_mails_without_a_sender_never_share_an_organisation(mail_desk: Any) -> None:
    first = deliver(b"To: support@capella.example\nSubject: who am I\n\nbody\n").raw.request
    second = deliver(b"To: support@capella.example\nSubject: me neither\n\nbody\n").raw.request
    assert first.contact_id != second.contact_id
    assert first.organization_id != second.organization_id
    for request in (first, second):
        assert request.contact.email == ""
        assert any(f["code"] == "no_sender" for f in request.flags)
        assert request.organization.name.startswith("Unverified: no sender #")
