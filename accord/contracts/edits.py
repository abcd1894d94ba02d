"""Editing and deactivating organisations, contacts and entitlements; email domains.

Nothing a request, an invoice or the audit trail points to is ever deleted:
"deactivate" stamps `deactivated` and "reactivate" clears it, each audited.
What deactivation means (docs/domain.md, "Deactivating"):

- an organisation: its contacts count as deactivated too, its domains no longer
  match unknown senders, and it leaves the desk's pickers;
- a contact: mail from its address is no longer matched to it (an agent decides
  who wrote), its API tokens stop working, no new request is opened for it;
- an entitlement: it no longer counts for new scope decisions. Decisions already
  recorded keep the reason they were given (no recorded verdict is rewritten).

Edits take only the fields given (`None`: unchanged) and audit the values before
and after. An organisation's policy is not edited here: the requests it runs
are bound to a policy version, and moving them is `accord policy` work.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from accord.accounts.actor import Actor
from accord.audit.services import record
from accord.contracts.models import (
    Contact,
    EmailDomain,
    Entitlement,
    EntitlementKind,
    Organization,
)
from accord.contracts.phones import e164, region_of_policy
from accord.contracts.services import (
    _staff_only,
    _text,
    check_contact_email,
    check_contact_role,
    check_hosting,
    check_organization_name,
)
from accord.errors import Conflict, Invalid, NotFound

# A DNS name: labels of letters, digits and hyphens, at least one dot (RFC 1035,
# IDNA names given in their ASCII form).
_DOMAIN = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")

# Public mail services: one of their senders says nothing about the customer.
# Short on purpose (the common ones); docs/domain.md says so.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "icloud.com",
        "me.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.de",
        "web.de",
        "mail.com",
        "yandex.com",
        "zoho.com",
        "fastmail.com",
        "xtra.co.nz",
    }
)


def _changed(obj: Any, changes: dict[str, Any]) -> dict[str, list[Any]]:
    """Apply `changes` to `obj`; {field: [before, after]} for the ones that differ."""
    diff: dict[str, list[Any]] = {}
    for name, value in changes.items():
        before = getattr(obj, name)
        if before != value:
            diff[name] = [_plain(before), _plain(value)]
            setattr(obj, name, value)
    return diff


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _organization(actor: Actor, organization: int, field: str) -> Organization:
    org = Organization.objects.select_for_update().filter(pk=organization).first()
    if org is None or (actor.organization is not None and actor.organization.pk != org.pk):
        raise NotFound(field, f"no organization {organization}")
    return org


@transaction.atomic
def update_organization(
    actor: Actor,
    organization: int,
    *,
    name: str | None = None,
    hosting: str | None = None,
    active: bool | None = None,
    field: str = "org_id",
    now: datetime | None = None,
) -> Organization:
    """Rename, change hosting, and (`active`) deactivate or reactivate, in one change."""
    _staff_only(actor)
    now = now or timezone.now()
    org = _organization(actor, organization, field)
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = check_organization_name(name, exclude=org.pk)
    if hosting is not None:
        changes["hosting"] = check_hosting(hosting)
    diff = _changed(org, changes)
    if diff:
        org.save(update_fields=list(diff))
        record(actor, "organization.edit", org, now, changes=diff)
    if active is not None and org.active != active:
        org.deactivated = None if active else now
        org.save(update_fields=["deactivated"])
        record(actor, "organization.reactivate" if active else "organization.deactivate", org, now)
    return org


@transaction.atomic
def set_organization_active(
    actor: Actor,
    organization: int,
    active: bool,
    *,
    field: str = "org_id",
    now: datetime | None = None,
) -> Organization:
    return update_organization(actor, organization, active=active, field=field, now=now)


def _contact(actor: Actor, contact: int, field: str) -> Contact:
    found = (
        Contact.objects.select_for_update(of=("self",))
        .select_related("organization")
        .filter(pk=contact)
        .first()
    )
    if found is None or (
        actor.organization is not None and actor.organization.pk != found.organization_id
    ):
        raise NotFound(field, f"no contact {contact}")
    return found


@transaction.atomic
def update_contact(
    actor: Actor,
    contact: int,
    *,
    name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    role: str | None = None,
    active: bool | None = None,
    field: str = "contact_id",
    now: datetime | None = None,
) -> Contact:
    """A contact's details; a new role decides the scope of their next requests.

    `active` deactivates or reactivates in the same change; deactivating the
    designated contact clears the designation (capella 4.3 names a person who can
    act for the customer; one who left cannot)."""
    _staff_only(actor)
    now = now or timezone.now()
    found = _contact(actor, contact, field)
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = _text(name, "name")
    if email is not None:
        changes["email"] = check_contact_email(email, found.organization, exclude=found.pk)
    if phone is not None:
        changes["phone"] = _text(phone, "phone", required=False, max_length=40)
        # The comparable form callers are matched by (accord.contracts.phones).
        changes["phone_e164"] = e164(changes["phone"], region_of_policy(found.organization.policy))
    if role is not None:
        changes["role"] = check_contact_role(role)
    diff = _changed(found, changes)
    saved = list(diff)
    if "phone" in diff:  # callers are matched by it (accord.contracts.phones)
        found.phone_e164 = e164(found.phone, region_of_policy(found.organization.policy))
        saved.append("phone_e164")
    if diff:
        found.save(update_fields=saved)
        record(actor, "contact.edit", found, now, changes=diff)
    if active is not None and (found.deactivated is None) != active:
        _contact_active(actor, found, active, now)
    return found


def _contact_active(actor: Actor, found: Contact, active: bool, now: datetime) -> None:
    found.deactivated = None if active else now
    found.save(update_fields=["deactivated"])
    cleared = False
    org = found.organization
    if not active and org.designated_contact_id == found.pk:
        org.designated_contact = None
        org.save(update_fields=["designated_contact"])
        cleared = True
    action = "contact.reactivate" if active else "contact.deactivate"
    record(actor, action, found, now, designation_cleared=cleared)


@transaction.atomic
def set_contact_active(
    actor: Actor,
    contact: int,
    active: bool,
    *,
    field: str = "contact_id",
    now: datetime | None = None,
) -> Contact:
    return update_contact(actor, contact, active=active, field=field, now=now)


@transaction.atomic
def update_entitlement(
    actor: Actor,
    entitlement: int,
    *,
    changes: dict[str, Any],
    field: str = "entitlement_id",
    now: datetime | None = None,
) -> Entitlement:
    """`changes`: any of kind, starts, ends (None: open-ended), paid, note, and
    `active` (False withdraws it from new scope decisions, True restores it)."""
    _staff_only(actor)
    now = now or timezone.now()
    ent = Entitlement.objects.select_for_update().filter(pk=entitlement).first()
    if ent is None or (
        actor.organization is not None and actor.organization.pk != ent.organization_id
    ):
        raise NotFound(field, f"no entitlement {entitlement}")
    clean: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "kind":
            if value not in EntitlementKind.values:
                raise Invalid("kind", f"expected one of {', '.join(EntitlementKind.values)}")
            clean["kind"] = value
        elif name in ("starts", "ends"):
            if value is None and name == "starts":
                raise Invalid("starts", "must not be empty")
            clean[name] = value
        elif name == "paid":
            if not isinstance(value, bool):
                raise Invalid("paid", "expected true or false")
            clean["paid"] = value
        elif name == "note":
            clean["note"] = _text(value or "", "note", required=False)
        elif name == "active":
            if not isinstance(value, bool):
                raise Invalid("active", "expected true or false")
        else:
            raise Invalid(name, "not a field of an entitlement")
    starts, ends = clean.get("starts", ent.starts), clean.get("ends", ent.ends)
    if ends is not None and ends < starts:
        raise Invalid("ends", "must not be before starts")
    diff = _changed(ent, clean)
    if diff:
        ent.save(update_fields=list(diff))
        record(actor, "entitlement.edit", ent, now, changes=diff)
    active = changes.get("active")
    if active is not None and (ent.deactivated is None) != active:
        ent.deactivated = None if active else now
        ent.save(update_fields=["deactivated"])
        action = "entitlement.reactivate" if active else "entitlement.deactivate"
        record(actor, action, ent, now)
    return ent


@transaction.atomic
def set_entitlement_active(
    actor: Actor,
    entitlement: int,
    active: bool,
    *,
    field: str = "entitlement_id",
    now: datetime | None = None,
) -> Entitlement:
    return update_entitlement(actor, entitlement, changes={"active": active}, field=field, now=now)


def check_domain(domain: str, field: str = "domain") -> str:
    value = _text(domain, field, max_length=253).lower().removeprefix("@").rstrip(".")
    if not _DOMAIN.match(value):
        raise Invalid(field, f"{value!r} is not a mail domain (e.g. example.com)")
    if value in PUBLIC_MAIL_DOMAINS:
        raise Invalid(field, f"{value} is a public mail service, not one customer's domain")
    return value


@transaction.atomic
def add_domain(
    actor: Actor, organization: int, domain: str, *, now: datetime | None = None
) -> EmailDomain:
    """An email domain of the organisation; one organisation per domain."""
    _staff_only(actor)
    now = now or timezone.now()
    org = _organization(actor, organization, "org_id")
    value = check_domain(domain)
    taken = EmailDomain.objects.select_related("organization").filter(domain=value).first()
    if taken is not None:
        raise Conflict("domain", f"{value} already belongs to {taken.organization.name}")
    row = EmailDomain.objects.create(organization=org, domain=value, created=now)
    record(actor, "organization.domain_add", org, now, domain=value)
    return row


@transaction.atomic
def remove_domain(
    actor: Actor, organization: int, domain: str, *, now: datetime | None = None
) -> None:
    """Nothing points to a domain row, so it is deleted; the audit trail keeps it."""
    _staff_only(actor)
    now = now or timezone.now()
    org = _organization(actor, organization, "org_id")
    deleted, _ = EmailDomain.objects.filter(organization=org, domain=domain.lower()).delete()
    if not deleted:
        raise NotFound("domain", f"{domain} is not a domain of {org.name}")
    record(actor, "organization.domain_remove", org, now, domain=domain.lower())


def organization_for_domain(email: str) -> Organization | None:
    """The active organisation whose domain the address is at, if one claims it."""
    _, _, domain = email.lower().rpartition("@")
    if not domain:
        return None
    row = (
        EmailDomain.objects.select_related("organization")
        .filter(domain=domain, organization__deactivated__isnull=True)
        .first()
    )
    return row.organization if row is not None else None
