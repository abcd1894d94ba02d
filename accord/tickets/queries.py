"""Reading requests with the actor's visibility: customers see their organisation only."""

from __future__ import annotations

import re

from django.db.models import QuerySet

from accord.accounts.actor import Actor
from accord.errors import NotFound
from accord.tickets.models import NUMBER_PREFIX, Request

_NUMBER = re.compile(rf"^(?:{re.escape(NUMBER_PREFIX)})?(\d{{1,18}})$", re.IGNORECASE)


def parse_number(text: str, field: str = "number") -> int:
    """ "SR-1001", "sr-1001" or "1001" -> 1001; anything else is NotFound."""
    match = _NUMBER.match(text.strip())
    if not match:
        raise NotFound(field, f"no request {text!r}")
    return int(match.group(1))


def visible_requests(actor: Actor) -> QuerySet[Request]:
    qs = Request.objects.all()
    if actor.organization is not None:
        qs = qs.filter(organization=actor.organization)
    return qs


def find_request(
    actor: Actor, number: str | int, *, for_update: bool = False, field: str = "number"
) -> Request:
    """The request with this number, if the actor may see it (else NotFound)."""
    value = number if isinstance(number, int) else parse_number(number, field)
    qs = visible_requests(actor)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    found = qs.select_related("organization", "contact").filter(number=value).first()
    if found is None:
        raise NotFound(field, f"no request {NUMBER_PREFIX}{value}")
    return found
