"""An agent links an unknown sender: their requests join the organisation and come in scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from accord.errors import Conflict, Forbidden
from accord.intake.models import UnverifiedContact
from accord.intake.services import link_sender
from intake.support import deliver, message


def stranger_request(n: int = 1) -> Any:
    return deliver(
        message(
            "Printing fails",
            sender="Tui <tui@kiwi.example>",
            message_id=f"tui{n}@kiwi.example",
        )
    ).raw.request


def test_it_links_the_sender_and_decides_the_scope_again(mail_desk: Any) -> None:
    request = stranger_request()
    assert request.scope == "not_entitled"
    (moved,) = link_sender(
        mail_desk.lead, contact=request.contact_id, organization=mail_desk.kiwi.pk
    )
    request.refresh_from_db()
    assert request.organization == mail_desk.kiwi
    assert request.contact.organization == mail_desk.kiwi
    assert request.scope == "in_scope"
    assert not any(f["code"] == "unverified_sender" for f in request.flags)
    assert request.targets.filter(kind="first_response").exists()
    assert not UnverifiedContact.objects.exists()
    assert request.events.filter(kind="scope").count() == 2
    # Next mail from that address goes straight to the organisation.
    later = stranger_request(2)
    assert later.organization == mail_desk.kiwi and later.scope == "in_scope"


def test_it_moves_the_requests_to_an_existing_contact_with_that_address(mail_desk: Any) -> None:
    from accord.contracts import services as contracts

    request = stranger_request()
    stray = request.contact
    tui = contracts.create_contact(
        mail_desk.lead,
        organization=mail_desk.kiwi.pk,
        name="Tui",
        role="administrator",
        email="tui@kiwi.example",
        phone="+64 4 555 0103",
    )
    link_sender(mail_desk.lead, contact=stray.pk, organization=mail_desk.kiwi.pk)
    request.refresh_from_db()
    assert request.contact == tui and request.scope == "in_scope"


def test_it_refuses_customers_and_a_policy_mismatch(mail_desk: Any) -> None:
    request = stranger_request()
    with pytest.raises(Forbidden):
        link_sender(
            mail_desk.lead.__class__(contact=mail_desk.mere),
            contact=request.contact_id,
            organization=mail_desk.kiwi.pk,
        )
    with pytest.raises(Conflict):  # capella request, capsure organisation
        link_sender(mail_desk.lead, contact=request.contact_id, organization=mail_desk.gate.pk)
    request.refresh_from_db()
    assert request.scope == "not_entitled"


def test_it_links_from_the_admin(mail_desk: Any) -> None:
    request = stranger_request()
    unverified = UnverifiedContact.objects.get()
    user = get_user_model().objects.get(username="lead")
    user.is_staff = user.is_superuser = True
    user.save()
    client = Client()
    client.force_login(user)
    response = client.post(
        f"/admin/intake/unverifiedcontact/{unverified.pk}/change/",
        {"link_to": mail_desk.kiwi.pk},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.organization == mail_desk.kiwi and request.scope == "in_scope"
