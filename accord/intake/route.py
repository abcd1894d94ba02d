"""Routing inbound mail: which support address it came to, and who sent it.

`support_address` looks at the recipients (To, Cc, Delivered-To, X-Original-To)
for a configured address, then the IMAP source's address, then the default
one; `None` only when no address is configured at all (the message is then
quarantined, never dropped, and can be retried once one exists).

`resolve_contact` finds the sender among the active contacts. An unknown sender
at a domain an organisation claims (`EmailDomain`) becomes an unverified end user
of that organisation: the request runs under its contract at once and carries a
flag for an agent to confirm (or link elsewhere). Any other unknown sender gets
an unverified contact in a holding organisation of its own (one per address and
policy, so unverified senders never see each other's requests), which has no
entitlement, so the request is `not_entitled` until an agent links it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction

from accord.accounts.actor import Actor
from accord.audit.services import record
from accord.contracts.edits import organization_for_domain
from accord.contracts.models import Contact, ContactRole, Hosting, Organization
from accord.intake.mail.model import Address, ParsedMessage
from accord.intake.models import HoldingOrganization, ImapSource, SupportAddress, UnverifiedContact


def recipients(parsed: ParsedMessage) -> list[str]:
    """Every address the message was delivered to, envelope headers first."""
    found: list[str] = []
    for name in ("Delivered-To", "X-Original-To", "Envelope-To"):
        for value in parsed.header_all(name):
            found.extend(v.strip().strip("<>").lower() for v in value.split(",") if "@" in v)
    found.extend(a.email for a in parsed.to)
    found.extend(a.email for a in parsed.cc)
    return list(dict.fromkeys(found))


def support_emails(addresses: list[SupportAddress] | None = None) -> set[str]:
    """Our support addresses (`addresses`: the configured ones, if already read)."""
    if addresses is not None:
        return {a.email for a in addresses}
    return set(SupportAddress.objects.values_list("email", flat=True))


def support_address(
    parsed: ParsedMessage, mailbox: str = "", addresses: list[SupportAddress] | None = None
) -> SupportAddress | None:
    """`addresses`: the configured support addresses, if the caller already read them."""
    configured = list(SupportAddress.objects.all()) if addresses is None else addresses
    addresses_by_email = {a.email: a for a in configured}
    for rcpt in recipients(parsed):
        if rcpt in addresses_by_email:
            return addresses_by_email[rcpt]
    if mailbox:
        source = ImapSource.objects.filter(name=mailbox).select_related("address").first()
        if source is not None and source.address is not None:
            return source.address
    return next((a for a in addresses_by_email.values() if a.is_default), None)


def sender_of(parsed: ParsedMessage) -> Address | None:
    """Who wrote the message: From, else Sender."""
    return parsed.from_addr or parsed.sender


# The holding key of a mail without a sender: never an address (no "@").
NO_SENDER = "no-sender:"


def _holding_name(key: str, policy: str) -> str:
    if key.startswith(NO_SENDER):
        return f"Unverified: no sender #{key.removeprefix(NO_SENDER)} ({policy})"[:200]
    return f"Unverified: {key} ({policy})"[:200]


def holding_organization(
    policy: str, now: datetime, email: str = "", phone: str = ""
) -> Organization:
    """The holding organisation of one unknown sender (`email`, lower case) or caller
    (`phone`, E.164) under `policy`."""
    email = email.lower()[:254]
    rows = HoldingOrganization.objects.select_related("organization")
    found = rows.filter(policy=policy, email=email, phone=phone).first()
    if found is not None:
        return found.organization
    try:
        with transaction.atomic():
            org = Organization.objects.create(
                name=_holding_name(email or phone, policy),
                policy=policy,
                hosting=Hosting.HOSTED,
                created=now,
            )
            HoldingOrganization.objects.create(
                policy=policy, email=email, phone=phone, organization=org
            )
            return org
    except IntegrityError:  # another process created it first
        return rows.get(policy=policy, email=email, phone=phone).organization


def is_holding(organization_id: int) -> bool:
    return HoldingOrganization.objects.filter(organization_id=organization_id).exists()


@dataclass
class Sender:
    contact: Contact
    unverified: bool
    flags: list[dict[str, str]] = field(default_factory=list)


def resolve_contact(who: Address, policy: str, actor: Actor, now: datetime) -> Sender:
    """The contact for this address, preferring organisations under `policy`."""
    if not who.email:
        return _unknown(who, policy, now)
    # With its unverified marker (or none), which the acknowledgement reads, and
    # whether its organisation is a holding one (where unknown senders wait).
    known = list(
        Contact.objects.filter(email__iexact=who.email)
        .select_related("organization__holdingorganization", "unverified")
        .order_by("id")
    )
    real = [c for c in known if not hasattr(c.organization, "holdingorganization") and c.active]
    if real:
        ranked = sorted(real, key=lambda c: (c.organization.policy != policy, c.pk))
        chosen = ranked[0]
        flags = []
        if hasattr(chosen, "unverified"):  # matched by domain earlier, not yet confirmed
            flags.append(_unverified_flag(who.email, chosen.organization))
        if len(real) > 1:
            others = ", ".join(c.organization.name for c in ranked[1:])
            flags.append(
                {
                    "code": "sender_ambiguous",
                    "message": f"{who.email} is also a contact of {others}; "
                    f"the request went to {chosen.organization.name}",
                    "clause": "Accord practice",
                }
            )
        return Sender(chosen, hasattr(chosen, "unverified"), flags)
    by_domain = _by_domain(who, known, actor, now)
    if by_domain is not None:
        return by_domain
    org = holding_organization(policy, now, who.email)
    existing = next((c for c in known if c.organization_id == org.pk), None)
    if existing is not None:
        return Sender(existing, True, [_unverified_flag(who.email)])
    try:
        with transaction.atomic():
            contact = Contact.objects.create(
                organization=org,
                name=(who.name or who.email)[:200],
                email=who.email,
                role=ContactRole.ADMINISTRATOR,
                created=now,
            )
            UnverifiedContact.objects.create(contact=contact, created=now)
            record(actor, "contact.create_unverified", contact, now, email=who.email)
    except IntegrityError:
        contact = Contact.objects.get(organization=org, email=who.email)
    return Sender(contact, True, [_unverified_flag(who.email)])


def _by_domain(who: Address, known: list[Contact], actor: Actor, now: datetime) -> Sender | None:
    """An unverified end user of the organisation claiming the sender's domain, if any.

    End user, the least a contract grants (CapSure: supported per incident until an
    agent makes them an authorised administrator); None when the organisation has a
    deactivated contact of that address, which an agent must decide about.
    """
    org = organization_for_domain(who.email)
    if org is None or any(c.organization_id == org.pk for c in known):
        return None
    try:
        with transaction.atomic():
            contact = Contact.objects.create(
                organization=org,
                name=(who.name or who.email)[:200],
                email=who.email.lower(),
                role=ContactRole.USER,
                created=now,
            )
            UnverifiedContact.objects.create(contact=contact, created=now)
            record(
                actor,
                "contact.create_unverified",
                contact,
                now,
                email=who.email,
                matched_domain=who.email.lower().rpartition("@")[2],
            )
    except IntegrityError:  # the same sender's other mail, in another process
        contact = Contact.objects.get(organization=org, email=who.email.lower())
    return Sender(contact, True, [_unverified_flag(who.email, org)])


def _unknown(who: Address, policy: str, now: datetime) -> Sender:
    """A holding organisation and contact of its own for a mail that names no sender.

    Nothing says two such mails come from one person, so they never share an
    organisation (docs/reliability.md): a contact linked later, or a token issued
    for it, sees that one mail's request and no other.
    """
    key = f"{NO_SENDER}{uuid.uuid4().hex[:12]}"
    org = holding_organization(policy, now, key)
    contact = Contact.objects.create(
        organization=org, name=who.name, email="", role=ContactRole.ADMINISTRATOR, created=now
    )
    UnverifiedContact.objects.create(contact=contact, created=now)
    flag = {
        "code": "no_sender",
        "message": "the mail names no sender (no From or Sender): find out who wrote it",
        "clause": "Accord practice",
    }
    return Sender(contact, True, [flag])


def _unverified_flag(email: str, org: Organization | None = None) -> dict[str, str]:
    if org is not None:
        domain = email.lower().rpartition("@")[2]
        message = (
            f"{email} is not a known contact; matched to {org.name} by its domain {domain} "
            "as an end user: confirm them (or link them elsewhere) on their contact page"
        )
    else:
        message = (
            f"{email} is not a known contact: link it to its organisation, then override the scope"
        )
    return {"code": "unverified_sender", "message": message, "clause": "Accord practice"}
