"""Which request a reply belongs to, and whether its sender may add to it.

Order: the ids in In-Reply-To, then References (newest first), matched
against the Message-IDs we sent (outbox) and received (raw messages); then a
service request number (`SR-1234`) in the subject. A match counts only when
the sender takes part in that request: its contact, an address on its mail
(From, To, Cc), or an administrator of the same organisation. Anyone else
starts a new request, and the agent is told which request it mentioned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from accord.contracts.models import Contact, ContactRole
from accord.intake.mail.model import ParsedMessage
from accord.intake.models import Participant, RawMessage
from accord.intake.outbound import outbound
from accord.intake.route import is_holding
from accord.tickets.models import NUMBER_PREFIX, Request

SUBJECT_NUMBER = re.compile(rf"\b{re.escape(NUMBER_PREFIX)}(\d{{1,18}})\b", re.IGNORECASE)
MAX_IDS = 50


@dataclass(frozen=True)
class Thread:
    request: Request | None  # where the message goes; None: a new request
    how: str  # "in-reply-to/references", "subject number" or "" (new)
    mentioned: tuple[Request, ...] = ()  # requests it pointed at but may not join


def _survivor(request: Request) -> Request:
    seen = {request.pk}
    while request.merged_into_id is not None and request.merged_into_id not in seen:
        request = Request.objects.select_related("organization", "contact").get(
            pk=request.merged_into_id
        )
        seen.add(request.pk)
    return request


def _by_id(message_id: str) -> Request | None:
    sent = outbound().find_sent(message_id)
    if sent is not None:
        return sent.request
    got = (
        RawMessage.objects.filter(message_id=message_id, request__isnull=False)
        .defer("raw")
        .select_related("request")
        .order_by("id")
        .first()
    )
    return got.request if got is not None else None


def is_participant(request: Request, email: str) -> bool:
    email = email.lower()
    if request.contact.email.lower() == email:
        return True
    if Participant.objects.filter(request=request, email=email).exists():
        return True
    if is_holding(request.organization_id):
        return False
    return Contact.objects.filter(
        organization_id=request.organization_id,
        role=ContactRole.ADMINISTRATOR,
        email__iexact=email,
    ).exists()


def find_thread(parsed: ParsedMessage, sender: str) -> Thread:
    """Where the message belongs; see the module docstring for the rules."""
    mentioned: list[Request] = []
    ids = list(parsed.in_reply_to) + list(reversed(parsed.references))
    for message_id in list(dict.fromkeys(ids))[:MAX_IDS]:
        found = _by_id(message_id)
        if found is None:
            continue
        found = _survivor(found)
        if is_participant(found, sender):
            return Thread(found, "in-reply-to/references")
        mentioned.append(found)
        break
    numbers = [int(n) for n in SUBJECT_NUMBER.findall(parsed.subject)]
    for number in dict.fromkeys(numbers):
        candidate = Request.objects.select_related("organization", "contact").filter(number=number)
        found = candidate.first()
        if found is None:
            continue
        found = _survivor(found)
        if is_participant(found, sender):
            return Thread(found, "subject number")
        if found not in mentioned:
            mentioned.append(found)
    return Thread(None, "", tuple(mentioned))
