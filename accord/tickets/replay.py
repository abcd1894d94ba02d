"""Many stored requests through the engine's batch path, in chunks, a few queries each.

`evaluations` reads a chunk of requests' logs in one query and evaluates them
with `accord.sla.batch.evaluate_many`, one call per policy version; it is what
`accord policy whatif` replays a year of requests with, and what `recompute`
refreshes stored targets with after a calendar correction. A request whose
targets do not apply (out of scope, merged) has no evaluation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet

from accord.sla import Policy
from accord.sla.batch import Case, evaluate_many
from accord.sla.clock import Evaluation, Event
from accord.tickets.log import ENGINE_EVENT_TYPES, VOID
from accord.tickets.models import Event as LogEvent
from accord.tickets.models import Request
from accord.tickets.targets import policy_of, store_targets, targets_apply

CHUNK = 5000


@dataclass
class Replayed:
    requests: list[Request]
    evaluations: list[Evaluation | None]  # None where no targets apply or none could run
    vector: int  # how many took the array path


def chunks(qs: QuerySet[Request], size: int = CHUNK) -> Iterator[list[Request]]:
    """The requests of `qs` in id order, `size` at a time (keyset, so O(chunk) each)."""
    last = 0
    while True:
        chunk = list(qs.filter(pk__gt=last).order_by("pk")[:size])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk


def cases(requests: Sequence[Request]) -> list[Case]:
    """The requests' timelines as the engine takes them, from one query on the log."""
    events: dict[int, list[Event]] = defaultdict(list)
    ids = [r.pk for r in requests]
    voided = {
        (request_id, int(data["voids"]))
        for request_id, data in LogEvent.objects.filter(request__in=ids, kind=VOID).values_list(
            "request_id", "data"
        )
        if "voids" in data
    }
    rows = (
        LogEvent.objects.filter(request__in=ids, kind__in=ENGINE_EVENT_TYPES)
        .order_by("request_id", "seq")
        .values_list("request_id", "seq", "at", "kind", "to")
    )
    for request_id, seq, at, kind, to in rows:
        if (request_id, seq) not in voided:  # taken out of the timeline (tickets/void.py)
            events[request_id].append(Event(at, kind, to or None))
    return [Case(r.initial_level, r.channel, r.received, events[r.pk]) for r in requests]


def evaluations(
    requests: Sequence[Request],
    as_of: datetime,
    under: Callable[[Request], Policy | None] = policy_of,
    timelines: Sequence[Case] | None = None,
) -> Replayed:
    """Each request evaluated as of `as_of` under `under(request)` (its own version by
    default; None skips it), one `evaluate_many` per policy."""
    timelines = cases(requests) if timelines is None else timelines
    groups: dict[int, list[int]] = defaultdict(list)
    policies: dict[int, Policy] = {}
    for i, request in enumerate(requests):
        policy = under(request) if targets_apply(request) else None
        if policy is not None:
            groups[id(policy)].append(i)
            policies[id(policy)] = policy
    out: list[Evaluation | None] = [None] * len(requests)
    vector = 0
    for key, indexes in groups.items():
        batch = evaluate_many(policies[key], [timelines[i] for i in indexes], as_of)
        vector += batch.vector
        for i, ev in zip(indexes, batch.evaluations, strict=True):
            out[i] = ev
    return Replayed(list(requests), out, vector)


def recompute(qs: QuerySet[Request], now: datetime, size: int = CHUNK) -> int:
    """Refresh the stored targets of the requests of `qs` as of `now`; returns how many.

    Each chunk is locked and evaluated on the batch path, then written by
    `store_targets` with its evaluation in hand: the one rule for writing target
    rows, so the engine runs once per request and the log is read once per chunk.
    """
    count = 0
    for ids in _id_chunks(qs, size):
        with transaction.atomic():
            chunk = list(Request.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
            replayed = evaluations(chunk, now)
            for request, ev in zip(chunk, replayed.evaluations, strict=True):
                store_targets(request, now, ev)
            count += len(chunk)
    return count


def _id_chunks(qs: QuerySet[Request], size: int) -> Iterator[list[int]]:
    last = 0
    while True:
        ids = list(qs.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:size])
        if not ids:
            return
        yield ids
        last = ids[-1]
