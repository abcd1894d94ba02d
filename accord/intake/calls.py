"""From a verified voice event to a request: the caller, the line's policy, once per call.

`receive` stores the event (the exact body too) and opens its request in one
transaction. The UNIQUE (line, call_id) makes a redelivery, or two deliveries
racing, create nothing new: the second finds the first's row and answers with
its request. The caller is matched to a contact by E.164 number; an unknown
number gets an unverified contact in a holding organisation of its own (one
per number and policy, as for unknown mail senders), a withheld number one
per policy. Notice is the call's start as the telephony system reports it;
the policy's channel rule decides what that means (CapSure: at any hour).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accord.accounts.actor import Actor
from accord.audit.services import record
from accord.contracts.models import Contact, ContactRole
from accord.contracts.phones import e164, region_of_policy
from accord.contracts.services import check_policy
from accord.errors import Invalid
from accord.intake.models import SupportLine, UnverifiedContact, VoiceCall
from accord.intake.route import Sender, holding_organization
from accord.intake.voice import VoiceEvent
from accord.sla import load_policy
from accord.tickets.actions import require_staff
from accord.tickets.inbound import FirstMessage
from accord.tickets.intake import open_request
from accord.tickets.models import Channel, Request

# The telephony gateway acts as the system and records the call's own instant.
VOICE_ACTOR = Actor(can_import=True)
WITHHELD = "withheld"


@dataclass(frozen=True)
class Outcome:
    call: VoiceCall
    created: bool


def find_line(to: str) -> SupportLine | None:
    number = e164(to, None)
    return SupportLine.objects.filter(number=number).first() if number else None


def receive(line: SupportLine, ev: VoiceEvent, body: str, now: datetime) -> Outcome:
    """Store the event and open its request; a known call_id returns the stored one."""
    stored = VoiceCall.objects.filter(line=line, call_id=ev.call_id).first()
    if stored is not None:
        return Outcome(stored, False)
    try:
        with transaction.atomic():
            # The request first, then the row that claims the call_id: a reader never
            # sees the call without its request, and a racing second delivery fails
            # on the UNIQUE (line, call_id) and rolls its request back.
            call = VoiceCall.objects.create(
                line=line,
                to=line.number,
                call_id=ev.call_id,
                event=ev.event,
                caller=ev.caller,
                started_at=ev.started_at,
                duration_seconds=ev.duration,
                recording_url=ev.recording_url,
                transcript=ev.transcript,
                body=body,
                received_at=now,
                request=_open(line, ev, now),
            )
    except IntegrityError:  # the same call delivered twice at once: the other one won
        return Outcome(VoiceCall.objects.get(line=line, call_id=ev.call_id), False)
    return Outcome(call, True)


def _open(line: SupportLine, ev: VoiceEvent, now: datetime) -> Request:
    number = e164(ev.caller, region_of_policy(line.policy))
    sender = resolve_caller(number, line.policy, now)
    contact = sender.contact
    who = contact.name if not sender.unverified else (number or "a withheld number")
    kind = "Voicemail" if ev.event == "voicemail" else "Call"
    lines = [ev.transcript or f"({kind.lower()} without a transcript)"]
    if ev.recording_url:
        lines.append(f"Recording: {ev.recording_url} ({ev.duration} s)")
    elif ev.duration:
        lines.append(f"Duration: {ev.duration} s")
    lines.append(f"Caller: {ev.caller or 'withheld'}; line {line.number}; call {ev.call_id}")
    text = "\n\n".join(lines)
    request = open_request(
        VOICE_ACTOR,
        contact=contact,
        channel=Channel.VOICEMAIL if ev.event == "voicemail" else Channel.PHONE,
        level=_level(line, contact),
        subject=f"{kind} from {who}"[:200],
        description=text,
        received=ev.started_at,
        now=now,
        first=FirstMessage(text),
        flags=sender.flags,
        team_id=line.team_id,
    )
    record(VOICE_ACTOR, "request.voice_intake", request, now, line=line.number, call=ev.call_id)
    return request


def _level(line: SupportLine, contact: Contact) -> str:
    """The line's level, or (a caller of an organisation under another policy) the level
    of a line of that policy, else that policy's least urgent."""
    policy = contact.organization.policy
    if policy == line.policy:
        return line.level
    other = SupportLine.objects.filter(policy=policy).order_by("id").first()
    return other.level if other is not None else load_policy(policy).level_ids[-1]


@transaction.atomic
def open_for_caller(
    actor: Actor,
    *,
    phone: str,
    name: str,
    policy: str,
    now: datetime | None = None,
    **request: Any,
) -> Request:
    """An agent opens a request for a caller who is not a contact yet (the desk's "new
    unverified caller"): matched by number as the voice line does, else an unverified
    contact of their own; `request` goes to `open_request` as given."""
    require_staff(actor)
    now = now or timezone.now()
    check_policy(policy)
    number = e164(phone, region_of_policy(policy))
    if phone.strip() and not number:
        raise Invalid("caller_phone", f"{phone!r} is not a phone number")
    sender = resolve_caller(number, policy, now, actor=actor, name=name)
    return open_request(
        actor, contact=sender.contact, flags=sender.flags, team_id=None, now=now, **request
    )


def resolve_caller(
    number: str, policy: str, now: datetime, *, actor: Actor = VOICE_ACTOR, name: str = ""
) -> Sender:
    """The contact with this E.164 number, preferring organisations under `policy`;
    an unknown one is created unverified, named `name` if given."""
    if number:
        known = list(
            Contact.objects.filter(
                phone_e164=number, deactivated=None, organization__deactivated=None
            )
            .select_related("organization__holdingorganization")
            .order_by("id")
        )
        real = [c for c in known if not hasattr(c.organization, "holdingorganization")]
        if real:
            ranked = sorted(real, key=lambda c: (c.organization.policy != policy, c.pk))
            flags = []
            if len(ranked) > 1:
                others = ", ".join(f"{c.name} ({c.organization.name})" for c in ranked[1:])
                flags.append(
                    {
                        "code": "caller_ambiguous",
                        "message": f"{number} is also the number of {others}; the request "
                        f"went to {ranked[0].name} of {ranked[0].organization.name}",
                        "clause": "Accord practice",
                    }
                )
            return Sender(ranked[0], False, flags)
    key = number or WITHHELD
    org = holding_organization(policy, now, phone=key)
    contact = Contact.objects.filter(organization=org).order_by("id").first()
    if contact is None:
        contact = Contact.objects.create(
            organization=org,
            name=name.strip()[:200] or (f"Caller {number}" if number else "Withheld number"),
            phone=number,
            phone_e164=number,
            role=ContactRole.ADMINISTRATOR,
            created=now,
        )
        UnverifiedContact.objects.create(contact=contact, created=now)
        record(actor, "contact.create_unverified", contact, now, phone=key)
    flag = (
        {
            "code": "unverified_caller",
            "message": f"{number} is not a known contact's number: link the caller to "
            "their organisation, then override the scope",
            "clause": "Accord practice",
        }
        if number
        else {
            "code": "withheld_number",
            "message": "the caller's number was withheld: find out who called from the "
            "recording, link them to their organisation, then override the scope",
            "clause": "Accord practice",
        }
    )
    return Sender(contact, True, [flag])
