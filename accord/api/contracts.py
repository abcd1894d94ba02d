"""Organisations, contacts, entitlements, releases and installations.

Customers (contact tokens) may read their own organisation and its contacts
and entitlements; everything else is staff-only. Another organisation's
objects answer 404, exactly like objects that do not exist.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router
from ninja import Status as HttpStatus

from accord.accounts.services import create_token
from accord.api.auth import actor_of
from accord.api.schemas import (
    ContactIn,
    ContactOut,
    ContactPage,
    ContactPatch,
    DesignatedContactIn,
    DomainIn,
    EntitlementIn,
    EntitlementOut,
    EntitlementPatch,
    ErrorOut,
    OrganizationIn,
    OrganizationOut,
    OrganizationPage,
    OrganizationPatch,
    TokenIn,
    TokenOut,
)
from accord.contracts import edits, services
from accord.contracts.models import Contact, Entitlement, Organization
from accord.errors import NotFound
from accord.keyset import page

router = Router(tags=["contracts"])
ERRORS = {code: ErrorOut for code in (401, 403, 404, 409, 422)}


def _org(o: Organization) -> dict[str, object]:
    return {
        "id": o.pk,
        "name": o.name,
        "policy": o.policy,
        "hosting": o.hosting,
        "designated_contact": o.designated_contact_id,
        "active": o.deactivated is None,
        "domains": [d.domain for d in o.email_domains.all()],
    }


def _contact(c: Contact) -> dict[str, object]:
    return {
        "id": c.pk,
        "organization": c.organization_id,
        "name": c.name,
        "email": c.email,
        "phone": c.phone,
        "role": c.role,
        "active": c.deactivated is None,
        "unverified": hasattr(c, "unverified"),
    }


def _entitlement(e: Entitlement) -> dict[str, object]:
    return {
        "id": e.pk,
        "organization": e.organization_id,
        "kind": e.kind,
        "starts": e.starts,
        "ends": e.ends,
        "paid": e.paid,
        "note": e.note,
        "active": e.deactivated is None,
    }


@router.post("/organizations", response={201: OrganizationOut, **ERRORS})
def create_organization(request: HttpRequest, payload: OrganizationIn):
    org = services.create_organization(actor_of(request), **payload.dict())
    return HttpStatus(201, _org(org))


@router.get("/organizations", response={200: OrganizationPage, **ERRORS})
def list_organizations(request: HttpRequest, cursor: str | None = None, limit: int = 50):
    """Oldest first, by id; customers see only their own."""
    actor = actor_of(request)
    qs = Organization.objects.prefetch_related("email_domains")
    if actor.organization is not None:
        qs = qs.filter(pk=actor.organization.pk)
    rows, nxt = page(qs, "id", False, cursor, limit, is_datetime=False)
    return {"items": [_org(o) for o in rows], "next": nxt}


@router.get("/organizations/{org_id}", response={200: OrganizationOut, **ERRORS})
def get_organization(request: HttpRequest, org_id: int):
    return _org(services.get_organization(actor_of(request), org_id, field="org_id"))


@router.patch("/organizations/{org_id}", response={200: OrganizationOut, **ERRORS})
def edit_organization(request: HttpRequest, org_id: int, payload: OrganizationPatch):
    """Rename, change hosting, or (`active`) deactivate/reactivate; audited."""
    data = payload.dict(exclude_unset=True)
    return _org(edits.update_organization(actor_of(request), org_id, **data))


@router.delete("/organizations/{org_id}", response={200: OrganizationOut, **ERRORS})
def deactivate_organization(request: HttpRequest, org_id: int):
    """Deactivates (never deletes: requests point to it); PATCH `active: true` undoes it."""
    return _org(edits.set_organization_active(actor_of(request), org_id, False))


@router.get("/organizations/{org_id}/domains", response={200: list[str], **ERRORS})
def list_domains(request: HttpRequest, org_id: int):
    org = services.get_organization(actor_of(request), org_id, field="org_id")
    return [d.domain for d in org.email_domains.all()]


@router.post("/organizations/{org_id}/domains", response={201: OrganizationOut, **ERRORS})
def add_domain(request: HttpRequest, org_id: int, payload: DomainIn):
    """Unknown senders from this domain are matched to the organisation, unverified."""
    actor = actor_of(request)
    edits.add_domain(actor, org_id, payload.domain)
    return HttpStatus(201, _org(services.get_organization(actor, org_id)))


@router.delete(
    "/organizations/{org_id}/domains/{domain}", response={200: OrganizationOut, **ERRORS}
)
def remove_domain(request: HttpRequest, org_id: int, domain: str):
    actor = actor_of(request)
    edits.remove_domain(actor, org_id, domain)
    return _org(services.get_organization(actor, org_id))


@router.put("/organizations/{org_id}/designated-contact", response={200: OrganizationOut, **ERRORS})
def designate(request: HttpRequest, org_id: int, payload: DesignatedContactIn):
    org = services.set_designated_contact(
        actor_of(request), organization=org_id, contact=payload.contact
    )
    return _org(org)


@router.post("/contacts", response={201: ContactOut, **ERRORS})
def create_contact(request: HttpRequest, payload: ContactIn):
    data = payload.dict()
    data["email"], data["phone"] = data["email"] or "", data["phone"] or ""
    return HttpStatus(201, _contact(services.create_contact(actor_of(request), **data)))


@router.post("/tokens", response={201: TokenOut, **ERRORS})
def create_customer_token(request: HttpRequest, payload: TokenIn):
    """A customer-scoped token for a contact (staff only); shown once."""
    secret = create_token(contact=payload.contact, actor=actor_of(request))
    contact = Contact.objects.get(pk=payload.contact)
    return HttpStatus(
        201, {"token": secret, "contact": contact.pk, "organization": contact.organization_id}
    )


@router.get("/contacts", response={200: ContactPage, **ERRORS})
def list_contacts(
    request: HttpRequest,
    organization: int | None = None,
    cursor: str | None = None,
    limit: int = 50,
):
    """Oldest first, by id; customers see only their organisation's contacts."""
    actor = actor_of(request)
    qs = Contact.objects.select_related("unverified")
    if organization is not None:
        qs = qs.filter(organization=services.get_organization(actor, organization))
    elif actor.organization is not None:
        qs = qs.filter(organization=actor.organization)
    rows, nxt = page(qs, "id", False, cursor, limit, is_datetime=False)
    return {"items": [_contact(c) for c in rows], "next": nxt}


@router.get("/contacts/{contact_id}", response={200: ContactOut, **ERRORS})
def get_contact(request: HttpRequest, contact_id: int):
    actor = actor_of(request)
    contact = Contact.objects.filter(pk=contact_id).first()
    if contact is None or (
        actor.organization is not None and contact.organization_id != actor.organization.pk
    ):
        raise NotFound("contact_id", f"no contact {contact_id}")
    return _contact(contact)


@router.patch("/contacts/{contact_id}", response={200: ContactOut, **ERRORS})
def edit_contact(request: HttpRequest, contact_id: int, payload: ContactPatch):
    """Name, email, phone, role, or (`active`) deactivate/reactivate; audited."""
    data = payload.dict(exclude_unset=True)
    return _contact(edits.update_contact(actor_of(request), contact_id, **data))


@router.delete("/contacts/{contact_id}", response={200: ContactOut, **ERRORS})
def deactivate_contact(request: HttpRequest, contact_id: int):
    """Deactivates (never deletes: requests point to it); PATCH `active: true` undoes it."""
    return _contact(edits.set_contact_active(actor_of(request), contact_id, False))


@router.post("/entitlements", response={201: EntitlementOut, **ERRORS})
def create_entitlement(request: HttpRequest, payload: EntitlementIn):
    return HttpStatus(
        201, _entitlement(services.create_entitlement(actor_of(request), **payload.dict()))
    )


@router.get("/entitlements", response={200: list[EntitlementOut], **ERRORS})
def list_entitlements(request: HttpRequest, organization: int | None = None):
    actor = actor_of(request)
    qs = Entitlement.objects.order_by("starts", "pk")
    if organization is not None:
        qs = qs.filter(organization=services.get_organization(actor, organization))
    elif actor.organization is not None:
        qs = qs.filter(organization=actor.organization)
    return [_entitlement(e) for e in qs]


@router.get("/entitlements/{entitlement_id}", response={200: EntitlementOut, **ERRORS})
def get_entitlement(request: HttpRequest, entitlement_id: int):
    actor = actor_of(request)
    ent = Entitlement.objects.filter(pk=entitlement_id).first()
    if ent is None or (
        actor.organization is not None and ent.organization_id != actor.organization.pk
    ):
        raise NotFound("entitlement_id", f"no entitlement {entitlement_id}")
    return _entitlement(ent)


@router.patch("/entitlements/{entitlement_id}", response={200: EntitlementOut, **ERRORS})
def edit_entitlement(request: HttpRequest, entitlement_id: int, payload: EntitlementPatch):
    """Dates, kind, paid, note, or (`active`) withdraw/restore; new decisions only."""
    data = payload.dict(exclude_unset=True)
    return _entitlement(edits.update_entitlement(actor_of(request), entitlement_id, changes=data))


@router.delete("/entitlements/{entitlement_id}", response={200: EntitlementOut, **ERRORS})
def deactivate_entitlement(request: HttpRequest, entitlement_id: int):
    """Withdraws it from new scope decisions (never deleted: decisions cite it)."""
    return _entitlement(edits.set_entitlement_active(actor_of(request), entitlement_id, False))
