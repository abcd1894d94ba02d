"""Repairing the append-only log: an admin voids a wrong event, with a reason.

Nothing in the log is ever rewritten or deleted. A `void` event is appended
that names the wrong event's seq; from then on the engine's timeline leaves the
voided event out (targets.as_engine_events), the order check ignores it
(log.last_instant), and the request's current status and level are replayed
from the events that remain. The stored targets are recomputed like after any
change; verdicts recorded before the void (breach transitions, sent alerts)
stay as they were: they were true of the log as it stood then.

Only events the SLA reads can be voided (replies, notes, status and level
changes); desk events (opened, assigned, merged...) have their own services.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accord.accounts.actor import Actor
from accord.accounts.permissions import REPAIR, require
from accord.errors import Conflict, Invalid
from accord.tickets import log
from accord.tickets.actions import finish_change
from accord.tickets.intake import text
from accord.tickets.models import Request, Status
from accord.tickets.queries import find_request


@transaction.atomic
def void_event(
    actor: Actor,
    number: str | int,
    *,
    event: int,
    reason: str,
    now: datetime | None = None,
) -> Request:
    """Void event `event` (its seq) of the request; returns the request replayed."""
    now = now or timezone.now()
    require(actor, REPAIR)
    request = find_request(actor, number, for_update=True)
    reason = text(reason, "reason", 500)
    wrong = request.events.filter(seq=event).first()
    if wrong is None:
        raise Invalid("event", f"{request.display_number} has no event {event}")
    if wrong.kind not in log.ENGINE_EVENT_TYPES:
        raise Invalid(
            "event",
            f"event {event} is {wrong.kind!r}; only replies, notes, status and level "
            "changes can be voided",
        )
    voided = log.voided_seqs(request)
    if event in voided:
        raise Conflict("event", f"event {event} is already voided")
    log.append(
        request,
        log.VOID,
        at=now,
        actor=actor,
        now=now,
        voids=event,
        voided_kind=wrong.kind,
        voided_at=wrong.at.isoformat(),
        reason=reason,
    )
    _replay(request, voided | {event})
    return finish_change(request, actor, now, "request.void_event", event=event, reason=reason)


def _replay(request: Request, voided: set[int]) -> None:
    """The request's status and level as the remaining events leave them."""
    status, level = Status.OPEN.value, request.initial_level
    remaining = request.events.filter(kind__in=("status", "level")).exclude(seq__in=voided)
    for e in remaining.order_by("seq"):
        if e.kind == "status":
            status = e.to
        else:
            level = e.to
    request.status, request.level = status, level
