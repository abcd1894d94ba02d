"""A deactivated contact (or one of a deactivated organisation) is signed out of the portal."""

from __future__ import annotations

from desk.personas import Desk

from accord.contracts import edits

from .conftest import SignedIn


def test_deactivating_the_contact_or_its_organisation_signs_them_out(
    desk: Desk, portal: SignedIn
) -> None:
    mere = portal(desk.mere)
    assert mere.get("/portal/").status_code == 200
    edits.set_contact_active(desk.lead, desk.mere.pk, False)
    gone = mere.get("/portal/")
    assert gone.status_code == 302 and gone["Location"].startswith("/portal/login/")
    edits.set_contact_active(desk.lead, desk.mere.pk, True)
    assert mere.get("/portal/").status_code == 200
    edits.set_organization_active(desk.lead, desk.kiwi.pk, False)
    assert mere.get("/portal/").status_code == 302


def test_a_deactivated_contact_is_told_at_the_sign_in(desk: Desk) -> None:
    from django.test import Client

    from .conftest import PASSWORD, activate

    activate(desk, desk.mere)
    edits.set_contact_active(desk.lead, desk.mere.pk, False)
    client = Client()
    answer = client.post("/portal/login/", {"email": "mere@kiwi.example", "password": PASSWORD})
    assert answer.status_code == 403 and b"no longer active" in answer.content
    assert client.get("/portal/").status_code == 302
