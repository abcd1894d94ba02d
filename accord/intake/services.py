"""Linking an unknown sender to the organisation they belong to, or confirming one.

Mail from an unknown address opens requests for an unverified contact in the
policy's holding organisation (not entitled). `link_sender` is the agent's
answer once they know who wrote: the contact joins the organisation (or, if
the organisation already has a contact with that address, its requests move
to that contact), and every request of theirs that is not closed moves with
it and has its scope decided again, as at receipt: if it is now in scope,
its targets apply from the original notice (semantics 4), as after a scope
override. All in one transaction, with the event log and the audit trail.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accord.accounts.actor import Actor
from accord.audit.services import record
from accord.contracts.models import Contact, Organization
from accord.errors import Conflict, Invalid
from accord.intake.models import HoldingOrganization, Participant, UnverifiedContact
from accord.tickets.actions import finish_change, require_staff
from accord.tickets.intake import attach_agreement, decision_for, record_decision
from accord.tickets.models import Message, Request, Status

# Flags that described the sender as unknown; they no longer apply once linked.
SENDER_FLAGS = frozenset({"unverified_sender", "no_sender", "unverified_caller", "withheld_number"})


@transaction.atomic
def link_sender(
    actor: Actor, *, contact: int, organization: int, now: datetime | None = None
) -> list[Request]:
    """Link an unverified contact to `organization`; returns the requests decided again."""
    now = now or timezone.now()
    require_staff(actor)
    found = Contact.objects.select_for_update().filter(pk=contact).first()
    if found is None or not UnverifiedContact.objects.filter(contact=found).exists():
        raise Invalid("contact", f"no unverified contact {contact}")
    org = Organization.objects.filter(pk=organization).first()
    if org is None or HoldingOrganization.objects.filter(organization=org).exists():
        raise Invalid("organization", f"no customer organisation {organization}")
    if org.deactivated is not None:
        raise Invalid("organization", f"{org.name} is deactivated")
    open_requests = list(
        Request.objects.select_for_update(of=("self",))
        .filter(contact=found)
        .exclude(status=Status.CLOSED)
        .order_by("number")
    )
    for request in open_requests:
        if request.policy != org.policy:
            raise Conflict(
                "organization",
                f"{request.display_number} runs under {request.policy}, {org.name} under "
                f"{org.policy}: open a new request under {org.policy} instead",
            )
    holding = found.organization
    existing = (
        Contact.objects.filter(organization=org, email__iexact=found.email).first()
        if found.email
        else None
    )
    target = existing or found
    if existing is None:
        found.organization = org
        found.save(update_fields=["organization"])
    UnverifiedContact.objects.filter(contact=found).delete()
    record(actor, "contact.link", target, now, email=found.email, organization=org.pk)
    decided = [_move(actor, request, org, target, now) for request in open_requests]
    # Closed requests keep their decision but follow the contact.
    Request.objects.filter(contact=found, organization=holding).update(
        contact=target, organization=org
    )
    if existing is not None:
        Message.objects.filter(author_contact=found).update(author_contact=existing)
    return decided


def _move(
    actor: Actor, request: Request, org: Organization, contact: Contact, now: datetime
) -> Request:
    request.organization, request.contact = org, contact
    decision = decision_for(request)
    record_decision(actor, request, decision, now, linked_to=org.pk)
    request.flags = [f for f in request.flags if f.get("code") not in SENDER_FLAGS]
    request.save()
    attach_agreement(request, decision)
    if contact.email:
        Participant.objects.get_or_create(request=request, email=contact.email.lower())
    return finish_change(request, actor, now, "request.link_sender", organization=org.pk)


@transaction.atomic
def confirm_sender(actor: Actor, *, contact: int, now: datetime | None = None) -> Contact:
    """Confirm a sender matched to a customer by their mail domain: they are that
    organisation's contact. Their open requests lose the unverified-sender flag;
    their scope stays as decided (it was decided under this organisation)."""
    now = now or timezone.now()
    require_staff(actor)
    found = Contact.objects.select_for_update().filter(pk=contact).first()
    if found is None or not UnverifiedContact.objects.filter(contact=found).exists():
        raise Invalid("contact", f"no unverified contact {contact}")
    if HoldingOrganization.objects.filter(organization_id=found.organization_id).exists():
        raise Invalid("contact", "a sender in a holding organisation is linked, not confirmed")
    UnverifiedContact.objects.filter(contact=found).delete()
    record(actor, "contact.confirm", found, now, organization=found.organization_id)
    for request in (
        Request.objects.select_for_update(of=("self",))
        .filter(contact=found)
        .exclude(status=Status.CLOSED)
        .order_by("number")
    ):
        kept = [f for f in request.flags if f.get("code") not in SENDER_FLAGS]
        if kept != request.flags:
            request.flags = kept
            finish_change(request, actor, now, "request.sender_confirmed", contact=found.pk)
    return found
