"""Editing and deactivating organisations, contacts and entitlements through the API.

Every change is audited; nothing requests point to is deleted (DELETE deactivates);
a duplicate organisation name and a malformed email are 422 naming the field.
"""

from __future__ import annotations

from typing import Any

from accord.audit.models import AuditEntry
from accord.contracts.models import Contact, Entitlement, Organization


def _audit(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


def test_it_refuses_a_duplicate_organisation_name_in_any_case(desk: Any, api_as: Any) -> None:
    lead = api_as(desk.lead_token)
    r = lead.post("/organizations", {"name": "  kiwi LTD ", "policy": "capella"})
    assert r.status_code == 422, r.content
    assert r.json()["field"] == "name"
    assert "already exists" in r.json()["detail"]
    r = lead.patch(f"/organizations/{desk.lapsed.pk}", {"name": "KIWI ltd"})
    assert r.status_code == 422 and r.json()["field"] == "name"
    assert Organization.objects.get(pk=desk.lapsed.pk).name == "Lapsed Ltd"


def test_it_refuses_a_malformed_email_naming_the_field(desk: Any, api_as: Any) -> None:
    lead = api_as(desk.lead_token)
    body = {"organization": desk.kiwi.pk, "name": "X", "role": "user", "email": "not-an-email"}
    r = lead.post("/contacts", body)
    assert r.status_code == 422 and r.json()["field"] == "email", r.content
    r = lead.patch(f"/contacts/{desk.mere.pk}", {"email": "mere@@kiwi"})
    assert r.status_code == 422 and r.json()["field"] == "email"
    r = lead.patch(f"/contacts/{desk.mere.pk}", {"email": "Tui@Kiwi.Example"})
    assert r.status_code == 200 and r.json()["email"] == "tui@kiwi.example"


def test_it_edits_an_organisation_and_audits_before_and_after(desk: Any, api_as: Any) -> None:
    lead = api_as(desk.lead_token)
    r = lead.patch(f"/organizations/{desk.kiwi.pk}", {"name": "Kiwi Limited"})
    assert r.status_code == 200, r.content
    assert r.json()["name"] == "Kiwi Limited" and r.json()["hosting"] == "hosted"
    [entry] = _audit("organization.edit")
    assert entry.data == {"changes": {"name": ["Kiwi Ltd", "Kiwi Limited"]}}
    assert entry.actor == "user:lead"
    r = lead.patch(f"/organizations/{desk.kiwi.pk}", {"hosting": "on_the_moon"})
    assert r.status_code == 422 and r.json()["field"] == "hosting"
    r = lead.patch(f"/organizations/{desk.kiwi.pk}", {"policy": "capsure"})
    assert r.status_code == 422 and r.json()["field"] == "policy"  # not changed here
    assert Organization.objects.get(pk=desk.kiwi.pk).policy == "capella"


def test_delete_deactivates_an_organisation_and_its_contacts_tokens(desk: Any, api_as: Any) -> None:
    lead, mere = api_as(desk.lead_token), api_as(desk.mere_token)
    assert mere.get("/requests").status_code == 200
    r = lead.delete(f"/organizations/{desk.kiwi.pk}")
    assert r.status_code == 200 and r.json()["active"] is False
    assert Organization.objects.filter(pk=desk.kiwi.pk).exists()
    assert len(_audit("organization.deactivate")) == 1
    assert mere.get("/requests").status_code == 401  # the contact's token no longer works
    body = {"organization": desk.kiwi.pk, "name": "New", "role": "user"}
    r = lead.post("/contacts", body)
    assert r.status_code == 422 and r.json()["field"] == "organization"
    r = lead.patch(f"/organizations/{desk.kiwi.pk}", {"active": True})
    assert r.status_code == 200 and r.json()["active"] is True
    assert len(_audit("organization.reactivate")) == 1
    assert mere.get("/requests").status_code == 200


def test_a_deactivated_contact_keeps_its_requests_and_opens_no_new_one(
    desk: Any, api_as: Any
) -> None:
    lead = api_as(desk.lead_token)
    body = {
        "contact": desk.mere.pk,
        "channel": "email",
        "level": "low",
        "subject": "S",
        "description": "D",
    }
    number = lead.post("/requests", body).json()["number"]
    lead.put(f"/organizations/{desk.kiwi.pk}/designated-contact", {"contact": desk.mere.pk})
    r = lead.delete(f"/contacts/{desk.mere.pk}")
    assert r.status_code == 200 and r.json()["active"] is False
    [entry] = _audit("contact.deactivate")
    assert entry.data == {"designation_cleared": True}
    assert Organization.objects.get(pk=desk.kiwi.pk).designated_contact_id is None
    assert lead.get(f"/requests/{number}").json()["contact"] == desk.mere.pk
    r = lead.post("/requests", body)
    assert r.status_code == 422 and r.json()["field"] == "contact", r.content
    assert api_as(desk.mere_token).get("/requests").status_code == 401
    assert Contact.objects.filter(pk=desk.mere.pk).exists()


def test_an_entitlement_is_edited_and_withdrawn_for_new_decisions_only(
    desk: Any, api_as: Any
) -> None:
    lead = api_as(desk.lead_token)
    ent = Entitlement.objects.get(organization=desk.kiwi)
    body = {
        "contact": desk.mere.pk,
        "channel": "email",
        "level": "low",
        "subject": "S",
        "description": "D",
    }
    before = lead.post("/requests", body).json()
    assert before["scope"]["decision"] == "in_scope", before["scope"]
    r = lead.patch(f"/entitlements/{ent.pk}", {"ends": "2025-12-31"})
    assert r.status_code == 422 and r.json()["field"] == "ends"
    r = lead.patch(f"/entitlements/{ent.pk}", {"ends": None, "note": "renewed"})
    assert r.status_code == 200 and r.json()["ends"] is None and r.json()["note"] == "renewed"
    [edit] = _audit("entitlement.edit")
    assert edit.data["changes"]["ends"] == ["2027-12-31", None]
    r = lead.delete(f"/entitlements/{ent.pk}")
    assert r.status_code == 200 and r.json()["active"] is False
    after = lead.post("/requests", body).json()
    assert after["scope"]["decision"] == "not_entitled", after["scope"]
    # The earlier request keeps the decision it was given.
    again = lead.get(f"/requests/{before['number']}").json()
    assert again["scope"]["decision"] == "in_scope"
    assert lead.get(f"/entitlements/{ent.pk}").json()["active"] is False
    r = lead.patch(f"/entitlements/{ent.pk}", {"active": True})
    assert r.json()["active"] is True
    assert lead.post("/requests", body).json()["scope"]["decision"] == "in_scope"


def test_staff_without_the_contracts_permission_change_nothing(desk: Any, api_as: Any) -> None:
    agent = api_as(desk.agent_token)
    audited = AuditEntry.objects.count()
    assert agent.patch(f"/organizations/{desk.kiwi.pk}", {"name": "Hacked"}).status_code == 403
    assert agent.delete(f"/contacts/{desk.mere.pk}").status_code == 403
    customer = api_as(desk.mere_token)
    assert customer.delete(f"/organizations/{desk.kiwi.pk}").status_code == 403
    ent = Entitlement.objects.get(organization=desk.kiwi)
    assert customer.patch(f"/entitlements/{ent.pk}", {"ends": None}).status_code == 403
    assert AuditEntry.objects.count() == audited
    assert Organization.objects.get(pk=desk.kiwi.pk).name == "Kiwi Ltd"


def test_email_domains_are_one_organisation_each_and_not_public_mail(
    desk: Any, api_as: Any
) -> None:
    lead = api_as(desk.lead_token)
    r = lead.post(f"/organizations/{desk.kiwi.pk}/domains", {"domain": "@Kiwi.Example"})
    assert r.status_code == 201 and r.json()["domains"] == ["kiwi.example"], r.content
    r = lead.post(f"/organizations/{desk.lapsed.pk}/domains", {"domain": "kiwi.example"})
    assert r.status_code == 409 and r.json()["field"] == "domain"
    assert "Kiwi Ltd" in r.json()["detail"]
    for bad in ("gmail.com", "not a domain", "localhost"):
        r = lead.post(f"/organizations/{desk.lapsed.pk}/domains", {"domain": bad})
        assert r.status_code == 422 and r.json()["field"] == "domain", (bad, r.content)
    assert lead.get(f"/organizations/{desk.kiwi.pk}/domains").json() == ["kiwi.example"]
    r = lead.delete(f"/organizations/{desk.kiwi.pk}/domains/kiwi.example")
    assert r.status_code == 200 and r.json()["domains"] == []
    assert [e.data for e in _audit("organization.domain_remove")] == [{"domain": "kiwi.example"}]
    assert lead.delete(f"/organizations/{desk.kiwi.pk}/domains/kiwi.example").status_code == 404


def test_a_new_phone_number_is_matched_in_its_e164_form(desk: Any, api_as: Any) -> None:
    lead = api_as(desk.lead_token)
    r = lead.patch(f"/contacts/{desk.mere.pk}", {"phone": "04 555 0199"})
    assert r.status_code == 200 and r.json()["phone"] == "04 555 0199"
    assert Contact.objects.get(pk=desk.mere.pk).phone_e164 == "+6445550199"
