"""Appending to a request's event log, the source of truth for its SLA."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Max

from accord.accounts.actor import Actor
from accord.errors import Invalid
from accord.sla.clock import EVENT_TYPES
from accord.tickets.models import Event, Message, Request

ENGINE_EVENT_TYPES: frozenset[str] = frozenset(EVENT_TYPES)
# A desk-only event that takes an earlier engine event out of the timeline
# (tickets/void.py): `data["voids"]` is the voided event's seq.
VOID = "void"


def voided_in(rows: Iterable[Event]) -> set[int]:
    """The seqs voided by the `void` events among `rows`."""
    return {int(e.data["voids"]) for e in rows if e.kind == VOID and "voids" in e.data}


def voided_seqs(request: Request) -> set[int]:
    return voided_in(request.events.filter(kind=VOID).only("kind", "data"))


def last_instant(request: Request) -> datetime:
    """The latest engine event's instant (or receipt): the engine's timeline must not go back.

    Desk-only events (assigned, merged...) are not part of the SLA timeline, so a
    history import may still add engine events dated before them; voided events
    are not part of it either.
    """
    latest = (
        request.events.filter(kind__in=ENGINE_EVENT_TYPES)
        .exclude(seq__in=voided_seqs(request))
        .aggregate(m=Max("at"))["m"]
    )
    return max(latest, request.received) if latest else request.received


def check_order(request: Request, at: datetime, field: str = "at") -> None:
    """Refuse an instant before the log's end; the engine replays the log in order."""
    floor = last_instant(request)
    if at < floor:
        raise Invalid(
            field, f"{at.isoformat()} is before the request's latest event ({floor.isoformat()})"
        )


def append(
    request: Request,
    kind: str,
    *,
    at: datetime,
    actor: Actor,
    now: datetime,
    to: str = "",
    message: Message | None = None,
    **data: Any,
) -> Event:
    """Append one event; the caller holds the request row lock (see `lock`)."""
    seq = (request.events.aggregate(m=Max("seq"))["m"] or 0) + 1
    event = build(
        request, kind, at=at, actor=actor, now=now, to=to, message=message, seq=seq, **data
    )
    event.save(force_insert=True)
    return event


def build(
    request: Request,
    kind: str,
    *,
    at: datetime,
    actor: Actor,
    now: datetime,
    seq: int,
    to: str = "",
    message: Message | None = None,
    **data: Any,
) -> Event:
    """An event not saved yet, for a caller that writes a new request's log at once
    (`write`); `seq` is its place in that log."""
    return Event(
        request=request,
        seq=seq,
        at=at,
        kind=kind,
        to=to,
        actor=actor.label,
        message=message,
        data=data,
        recorded=now,
    )


def write(events: list[Event]) -> list[Event]:
    """Insert events made by `build`, in order, in one statement."""
    return Event.objects.bulk_create(events)
