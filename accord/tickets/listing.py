"""Lists of requests (the agents' queue, the REST list): a constant number of queries.

A page is one query for its requests (with the rows they show joined in) and
one for their stored targets, whatever the page size and however many requests
are stored. Nothing is evaluated per row against the database:

- the order "nearest due first" is `Request.next_due`, a column `store_targets`
  keeps with the target rows, read through a partial index for the queue;
- each target is read from its stored row (kept exact by every change and by
  the worker, see `accord.tickets.targets`) and brought forward to `now` with
  the one rule time alone applies: a running target whose due has passed is
  breached at its due (the engine's own rule, `accord.sla.clock`). So a listed
  target equals what `evaluate_request` gives as of `now`
  (tests/desk/test_listing.py holds them equal);
- time left on a business clock is `calendar.between(now, due)`: arithmetic on
  the compiled calendar, no query.

Callers narrow the requests with an ordinary queryset first, then page it:

    qs = listing.open_requests(visible_requests(actor)).filter(team=team)
    page = listing.list_page(qs, now=now, ordering="due", cursor=cursor, limit=50)
    for item in page.items: item.request, item.targets["first_response"], ...
    page.next  # the cursor of the next page, or None
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet

from accord.errors import Invalid
from accord.keyset import page
from accord.sla.clock import TargetState
from accord.tickets.models import QUEUE_STATUSES, Request, SlaTarget, TargetKind
from accord.tickets.models import TargetState as StoredState
from accord.tickets.targets import targets_apply

# ordering name -> (column, descending); the tie-break is always the id.
ORDERINGS: dict[str, tuple[str, bool]] = {
    "due": ("next_due", False),
    "-received": ("received", True),
    "received": ("received", False),
    "-number": ("number", True),
    "number": ("number", False),
}
# What the queue and the REST summary show of a request's relations, joined in.
RELATED = ("organization", "assignee", "team", "split_from", "merged_into", "continues")


@dataclass(frozen=True)
class Listed:
    """One request of a page and its targets as of the page's `now`.

    `targets` maps each kind to its state, None where no target applies (out of
    scope, merged, or the level has none).
    """

    request: Request
    targets: dict[str, TargetState | None]


@dataclass(frozen=True)
class Page:
    items: list[Listed]
    next: str | None  # opaque cursor of the following page; None on the last


def open_requests(qs: QuerySet[Request] | None = None) -> QuerySet[Request]:
    """The agents' queue: unresolved and not merged (the partial index's condition)."""
    base = Request.objects.all() if qs is None else qs
    return base.filter(status__in=QUEUE_STATUSES, merged_into__isnull=True)


def overdue(qs: QuerySet[Request], now: datetime) -> QuerySet[Request]:
    """Requests owing a target whose due has passed (breached and not met since)."""
    return qs.filter(next_due__lt=now)


def at_risk(qs: QuerySet[Request], now: datetime) -> QuerySet[Request]:
    """Requests with a running target past its warning instant and not yet due: the
    stored `warn_at` (the warning share of its own clock, kept by the services and
    the sweep), so the same requests the warning alert fires for."""
    risky = SlaTarget.objects.filter(
        request_id=OuterRef("pk"),
        state=StoredState.RUNNING,
        warn_at__lte=now,
        due__gte=now,
    )
    return qs.filter(Exists(risky))


def due_before(qs: QuerySet[Request], instant: datetime) -> QuerySet[Request]:
    """Requests owing a target due before `instant`."""
    return qs.filter(next_due__lt=instant)


def list_page(
    qs: QuerySet[Request],
    *,
    now: datetime,
    ordering: str = "due",
    cursor: str | None = None,
    limit: int = 50,
) -> Page:
    """One page of `qs` in `ordering` (a key of ORDERINGS) after `cursor`.

    Two queries: the requests with RELATED joined, then their stored targets.
    Raises Invalid naming `ordering`, `cursor` or `limit` on bad values.
    """
    if ordering not in ORDERINGS:
        raise Invalid("ordering", f"expected one of {', '.join(ORDERINGS)}")
    field, descending = ORDERINGS[ordering]
    # No list shows the description (the customer's first words, often a pasted log):
    # not read, not sent by the database, not decoded per row.
    qs = qs.select_related(*RELATED).prefetch_related("targets").defer("description")
    rows, nxt = page(qs, field, descending, cursor, limit, is_datetime=field != "number")
    return Page([Listed(r, states_of(r, r.targets.all(), now)) for r in rows], nxt)


def count_upto(qs: QuerySet[Request], cap: int) -> int:
    """How many, counting no further than `cap` (a queue shows "more than N")."""
    return qs.order_by()[:cap].count()


def states_of(
    request: Request, rows: Iterable[SlaTarget], now: datetime
) -> dict[str, TargetState | None]:
    """The request's stored target rows as the engine's states as of `now`."""
    out: dict[str, TargetState | None] = {kind.value: None for kind in TargetKind}
    if not targets_apply(request):
        return out
    for row in rows:
        out[row.kind] = stored_state(row, request.level, now)
    return out


def stored_state(row: SlaTarget, level: str, now: datetime) -> TargetState:
    """A stored target as of `now`: the row brought forward by time alone.

    A running target whose due has passed is breached at its due, exactly as
    `evaluate` settles it. `level` is the request's current level; the row does
    not keep which level a kept verdict was given under, and no list shows it.
    """
    state, breached_at = row.state, row.breached_at
    if state == "running" and row.due is not None and row.due < now:
        state, breached_at = "breached", row.due
    return TargetState(
        kind=row.kind,
        state=state,  # type: ignore[arg-type]
        due=row.due,
        met_at=row.met_at,
        breached_at=breached_at,
        clock=row.clock,
        within_seconds=row.within_seconds,
        clause=row.clause,
        level=level,
    )
