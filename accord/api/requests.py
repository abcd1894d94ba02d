"""Requests: open, read, list (queues), and the agent's actions on them.

Every action returns the request as of the moment of the response. Lists
use cursor pagination; `ordering=due` puts the earliest unmet due first. A list
page is `accord.tickets.listing.list_page`: a constant number of queries, the
targets read from their stored rows as of the response.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja import Status as HttpStatus
from pydantic import Field

from accord.accounts.actor import Actor
from accord.api import present
from accord.api.auth import actor_of
from accord.api.pagination import check_limit, decode_offset, encode_offset
from accord.api.schemas import (
    AcceptChargeIn,
    AssignIn,
    CallIn,
    ErrorOut,
    Instant,
    LevelIn,
    MergeIn,
    ReplyIn,
    RequestDetailOut,
    RequestIn,
    RequestPage,
    ScopeIn,
    SplitIn,
    StatusIn,
)
from accord.contracts.services import get_organization
from accord.errors import Invalid, UnknownParameter
from accord.notify import opening
from accord.tickets import actions, listing, restructure, search, void
from accord.tickets import split as splitting
from accord.tickets.models import Request, Status
from accord.tickets.queries import find_request, visible_requests

router = Router(tags=["requests"])
ERRORS = {code: ErrorOut for code in (401, 403, 404, 409, 422)}


class ListFilters(Schema):
    q: str | None = None
    state: str | None = None
    organization: int | None = None
    due_before: Instant | None = None
    at_risk: bool = False
    ordering: str = "-received"
    cursor: str | None = None
    limit: int = 50


def _detail(actor: Actor, number: str | int) -> dict[str, object]:
    return present.detail(find_request(actor, number), actor, timezone.now())


def _queue(actor: Actor, f: ListFilters) -> QuerySet[Request]:
    qs = visible_requests(actor)
    if f.state is not None:
        if f.state not in Status.values:
            raise Invalid("state", f"expected one of {', '.join(Status.values)}")
        qs = qs.filter(status=f.state)
    if f.organization is not None:
        qs = qs.filter(organization=get_organization(actor, f.organization))
    if f.due_before is not None:
        qs = listing.due_before(qs, f.due_before)
    if f.at_risk:
        qs = listing.at_risk(qs, timezone.now())
    return qs


@router.post("/requests", response={201: RequestDetailOut, **ERRORS})
def open_request(request: HttpRequest, payload: RequestIn):
    actor = actor_of(request)
    created = opening.open_request(actor, **payload.dict())
    # The request as just written (its organisation and contact in hand), as
    # `find_request` would read it back.
    return HttpStatus(201, present.detail(created, actor, timezone.now()))


def _check_parameters(request: HttpRequest) -> None:
    """An unknown query parameter is a 400 naming it, never silently ignored."""
    for name in request.GET:
        if name not in ListFilters.model_fields:
            known = ", ".join(ListFilters.model_fields)
            raise UnknownParameter(name, f"unknown query parameter (known: {known})")


def _search(actor: Actor, f: ListFilters) -> dict[str, object]:
    """`?q=`: ranked by relevance, each item with the passage that matched."""
    if f.ordering != "-received" or f.due_before is not None:
        field = "ordering" if f.ordering != "-received" else "due_before"
        raise Invalid(field, "cannot be combined with q (search results are ranked)")
    if f.state is not None and f.state not in Status.values:
        raise Invalid("state", f"expected one of {', '.join(Status.values)}")
    org = get_organization(actor, f.organization).pk if f.organization is not None else None
    check_limit(f.limit)
    offset = decode_offset(f.cursor) if f.cursor else 0
    hits = search.search(
        actor, f.q or "", limit=f.limit + 1, offset=offset, status=f.state, organization=org
    )
    now = timezone.now()
    items = [
        {
            **present.summary(h.request, actor, now, listing.states_of(h.request, h.targets, now)),
            "match": {"rank": h.rank, "snippet": h.snippet},
        }
        for h in hits[: f.limit]
    ]
    nxt = encode_offset(offset + f.limit) if len(hits) > f.limit else None
    return {"items": items, "next": nxt}


@router.get("/requests", response={200: RequestPage, **ERRORS})
def list_requests(request: HttpRequest, filters: Query[ListFilters]):
    actor = actor_of(request)
    _check_parameters(request)
    if filters.q is not None:
        return _search(actor, filters)
    now = timezone.now()
    found = listing.list_page(
        _queue(actor, filters),
        now=now,
        ordering=filters.ordering,
        cursor=filters.cursor,
        limit=filters.limit,
    )
    items = [present.summary(i.request, actor, now, i.targets) for i in found.items]
    return {"items": items, "next": found.next}


@router.get("/requests/{number}", response={200: RequestDetailOut, **ERRORS})
def get_request(request: HttpRequest, number: str):
    return _detail(actor_of(request), number)


@router.post("/requests/{number}/replies", response={200: RequestDetailOut, **ERRORS})
def reply(request: HttpRequest, number: str, payload: ReplyIn):
    actor = actor_of(request)
    done = actions.post_message(
        actor, number, body=payload.body, public=payload.public, at=payload.at
    )
    return _detail(actor, done.number)


@router.post("/requests/{number}/status", response={200: RequestDetailOut, **ERRORS})
def change_status(request: HttpRequest, number: str, payload: StatusIn):
    actor = actor_of(request)
    done = actions.change_status(actor, number, to=payload.to, at=payload.at)
    return _detail(actor, done.number)


@router.post("/requests/{number}/level", response={200: RequestDetailOut, **ERRORS})
def change_level(request: HttpRequest, number: str, payload: LevelIn):
    actor = actor_of(request)
    done = actions.change_level(actor, number, to=payload.to, at=payload.at)
    return _detail(actor, done.number)


@router.post("/requests/{number}/assign", response={200: RequestDetailOut, **ERRORS})
def assign(request: HttpRequest, number: str, payload: AssignIn):
    actor = actor_of(request)
    done = actions.assign(actor, number, assignee=payload.assignee, team=payload.team)
    return _detail(actor, done.number)


@router.post("/requests/{number}/calls", response={200: RequestDetailOut, **ERRORS})
def log_call(request: HttpRequest, number: str, payload: CallIn):
    actor = actor_of(request)
    done = actions.log_call(actor, number, **payload.dict())
    return _detail(actor, done.number)


@router.post("/requests/{number}/scope", response={200: RequestDetailOut, **ERRORS})
def override_scope(request: HttpRequest, number: str, payload: ScopeIn):
    actor = actor_of(request)
    done = restructure.override_scope(actor, number, **payload.dict())
    return _detail(actor, done.number)


@router.post("/requests/{number}/accept-charge", response={200: RequestDetailOut, **ERRORS})
def accept_charge(request: HttpRequest, number: str, payload: AcceptChargeIn):
    actor = actor_of(request)
    done = restructure.accept_per_incident(actor, number, **payload.dict())
    return _detail(actor, done.number)


@router.post("/requests/{number}/split", response={201: list[RequestDetailOut], **ERRORS})
def split(request: HttpRequest, number: str, payload: SplitIn):
    actor = actor_of(request)
    parts = [splitting.Part(**p.dict()) for p in payload.parts]
    created = splitting.split(actor, number, parts=parts)
    return HttpStatus(201, [_detail(actor, r.number) for r in created])


@router.post("/requests/{number}/merge", response={200: RequestDetailOut, **ERRORS})
def merge(request: HttpRequest, number: str, payload: MergeIn):
    actor = actor_of(request)
    survivor = restructure.merge(actor, number, into=payload.into)
    return _detail(actor, survivor.number)


class VoidIn(Schema):
    event: int = Field(ge=1, le=2**31 - 1, description="the seq of the event to void")
    reason: str


@router.post("/requests/{number}/void", response={200: RequestDetailOut, **ERRORS})
def void_event(request: HttpRequest, number: str, payload: VoidIn):
    """Admins: take a wrong event out of the SLA timeline, with a reason (docs/reliability.md)."""
    actor = actor_of(request)
    found = void.void_event(actor, number, event=payload.event, reason=payload.reason)
    return _detail(actor, found.number)


class ExplainOut(Schema):
    number: str
    lines: list[str]


@router.get("/requests/{number}/explain", response={200: ExplainOut, **ERRORS})
def explain(request: HttpRequest, number: str):
    """Every step from receipt to each due instant, with the clauses, as of now."""
    from accord.sla.explain import explain as explain_lines
    from accord.tickets.targets import evaluate_request, policy_of, targets_apply

    found = find_request(actor_of(request), number)
    policy = policy_of(found)
    ev = evaluate_request(found, timezone.now())
    lines = explain_lines(policy, ev)
    if not targets_apply(found):
        lines = lines[:1] + [
            f"No targets apply: {found.get_scope_display()} ({found.scope_reason}; "
            f"clause {found.scope_clause})."
        ]
    return {"number": found.display_number, "lines": lines}
