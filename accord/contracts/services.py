"""State changes for organisations, contacts, entitlements and releases.

Every function is atomic, writes the audit trail in the same transaction,
takes `now` (defaults to the server clock) and is staff-only: customers can
read their organisation through the API but not change the contract.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accord.accounts.actor import Actor
from accord.accounts.permissions import CONTRACTS, require
from accord.accounts.services import clean_email
from accord.audit.services import record
from accord.contracts.models import (
    Contact,
    ContactRole,
    Entitlement,
    EntitlementKind,
    Hosting,
    Organization,
    PerIncidentAgreement,
)
from accord.contracts.phones import e164, region_of_policy
from accord.contracts.signals import installation_changed
from accord.errors import Forbidden, Invalid, NotFound
from accord.sla import Policy, PolicyError, load_policy
from accord.sla.policy_spec import BillingSpec

_POLICY_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")


def _staff_only(actor: Actor) -> None:
    """Organisations, contacts and agreements are changed by admins only (docs/roles.md)."""
    require(actor, CONTRACTS)


def _text(value: str, field: str, *, required: bool = True, max_length: int = 200) -> str:
    if "\x00" in value:
        raise Invalid(field, "must not contain NUL characters")
    value = value.strip()
    if required and not value:
        raise Invalid(field, "must not be empty")
    if len(value) > max_length:
        raise Invalid(field, f"at most {max_length} characters")
    return value


def check_policy(name: str) -> str:
    """A shipped policy id; raises Invalid('policy') otherwise."""
    if not _POLICY_NAME.match(name):
        raise Invalid("policy", f"unknown policy {name!r}")
    try:
        load_policy(name)
    except PolicyError as exc:
        raise Invalid("policy", "; ".join(exc.problems)) from None
    return name


def check_organization_name(name: str, exclude: int | None = None) -> str:
    """A name no other organisation has, compared without case (issue 10)."""
    value = _text(name, "name")
    taken = Organization.objects.filter(name__iexact=value)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise Invalid("name", f"an organization named {value!r} already exists")
    return value


def check_hosting(hosting: str) -> str:
    if hosting not in Hosting.values:
        raise Invalid("hosting", f"expected one of {', '.join(Hosting.values)}")
    return hosting


def check_contact_role(role: str) -> str:
    if role not in ContactRole.values:
        raise Invalid("role", f"expected one of {', '.join(ContactRole.values)}")
    return role


def check_contact_email(email: str, org: Organization, exclude: int | None = None) -> str:
    """A well-formed address (or "") not already used by another contact of `org`."""
    value = clean_email(_text(email, "email", required=False, max_length=254))
    if value:
        taken = Contact.objects.filter(organization=org, email=value)
        if exclude is not None:
            taken = taken.exclude(pk=exclude)
        if taken.exists():
            raise Invalid("email", f"{value} is already a contact of this organization")
    return value


def get_organization(
    actor: Actor, organization_id: int, field: str = "organization"
) -> Organization:
    """The organisation if the actor may see it; customers see only their own."""
    org = Organization.objects.filter(pk=organization_id).first()
    if org is None or (actor.organization is not None and actor.organization.pk != org.pk):
        raise NotFound(field, f"no organization {organization_id}")
    return org


def _referenced_organization(actor: Actor, organization_id: int) -> Organization:
    """An organisation named in a request body: unknown is invalid input (422), not 404."""
    try:
        org = get_organization(actor, organization_id)
    except NotFound as exc:
        raise Invalid(exc.field, exc.message) from None
    if org.deactivated is not None:
        raise Invalid("organization", f"{org.name} is deactivated")
    return org


def _recheck(actor: Actor, org: Organization, now: datetime) -> None:
    """Requests waiting for an upgrade are decided again (capella 4.5), by the tickets
    app's receiver of `installation_changed` (contracts sits below tickets)."""
    installation_changed.send(sender=Organization, actor=actor, organization=org, now=now)


@transaction.atomic
def create_organization(
    actor: Actor, *, name: str, policy: str, hosting: str, now: datetime | None = None
) -> Organization:
    _staff_only(actor)
    now = now or timezone.now()
    org = Organization.objects.create(
        name=check_organization_name(name),
        policy=check_policy(policy),
        hosting=check_hosting(hosting),
        created=now,
    )
    record(actor, "organization.create", org, now, name=org.name, policy=policy, hosting=hosting)
    return org


@transaction.atomic
def create_contact(
    actor: Actor,
    *,
    organization: int,
    name: str,
    role: str,
    email: str = "",
    phone: str = "",
    now: datetime | None = None,
) -> Contact:
    _staff_only(actor)
    now = now or timezone.now()
    org = _referenced_organization(actor, organization)
    check_contact_role(role)
    phone = _text(phone, "phone", required=False, max_length=40)
    contact = Contact.objects.create(
        organization=org,
        name=_text(name, "name"),
        email=check_contact_email(email, org),
        phone=phone,
        phone_e164=e164(phone, region_of_policy(org.policy)),
        role=role,
        created=now,
    )
    record(actor, "contact.create", contact, now, organization=org.pk, role=role)
    return contact


@transaction.atomic
def set_designated_contact(
    actor: Actor, *, organization: int, contact: int | None, now: datetime | None = None
) -> Organization:
    """capella 4.3: name the organisation's designated contact (None to clear)."""
    _staff_only(actor)
    now = now or timezone.now()
    org = get_organization(actor, organization)
    if contact is None:
        org.designated_contact = None
    else:
        found = Contact.objects.filter(pk=contact, organization=org).first()
        if found is None:
            raise Invalid("contact", f"no contact {contact} in this organization")
        if found.deactivated is not None:
            raise Invalid("contact", f"{found.name} is deactivated")
        org.designated_contact = found
    org.save(update_fields=["designated_contact"])
    record(actor, "organization.designated_contact", org, now, contact=contact)
    return org


@transaction.atomic
def create_entitlement(
    actor: Actor,
    *,
    organization: int,
    kind: str,
    starts: date,
    ends: date | None,
    paid: bool = True,
    note: str = "",
    now: datetime | None = None,
) -> Entitlement:
    _staff_only(actor)
    now = now or timezone.now()
    org = _referenced_organization(actor, organization)
    if kind not in EntitlementKind.values:
        raise Invalid("kind", f"expected one of {', '.join(EntitlementKind.values)}")
    if ends is not None and ends < starts:
        raise Invalid("ends", "must not be before starts")
    ent = Entitlement.objects.create(
        organization=org,
        kind=kind,
        starts=starts,
        ends=ends,
        paid=paid,
        note=_text(note, "note", required=False),
        created=now,
    )
    record(actor, "entitlement.create", ent, now, kind=kind, starts=str(starts), ends=str(ends))
    return ent


def per_incident_billing(policy: Policy, role: str) -> BillingSpec | None:
    """The billing rule for a role supported per incident (capsure end users), else None."""
    rule = next((r for r in policy.spec.entitlement.rules if role in r.roles), None)
    if rule is None or rule.basis != "per_incident":
        return None
    return next((b for b in policy.spec.billing if "per_incident" in b.applies_to), None)


@transaction.atomic
def accept_per_incident_charge(
    actor: Actor, contact: Contact, *, accepted_by: str, now: datetime | None = None
) -> PerIncidentAgreement:
    """capsure: an end user accepts the hourly charge before opening a request.

    The agreement is unused until the next request it brings into scope takes it
    (`accord.tickets.scope`); an unused one already held is returned as it is.
    The contact may accept for themselves (the portal's form); staff for anyone.
    """
    now = now or timezone.now()
    if actor.is_customer and (actor.contact is None or actor.contact.pk != contact.pk):
        raise Forbidden("contact", "a contact may accept the charge only for themselves")
    billing = per_incident_billing(load_policy(contact.organization.policy), contact.role)
    if billing is None:
        raise Invalid("accept_charge", "this contact is not supported per incident")
    unused = PerIncidentAgreement.objects.filter(contact=contact, request__isnull=True).first()
    if unused is not None:
        return unused
    agreement = PerIncidentAgreement.objects.create(
        contact=contact,
        hourly_rate=Decimal(billing.hourly_rate),
        currency=billing.currency,
        accepted_by=_text(accepted_by, "accepted_by"),
        accepted_at=now,
        channel="portal" if actor.is_customer else "phone",
        clause=billing.clause,
    )
    record(actor, "contact.per_incident_accept", agreement, now, contact=contact.pk)
    return agreement
