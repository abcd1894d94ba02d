"""The on-call rota (`/oncall-shifts`) and pages (`/pages`, acknowledgement)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja import Status as HttpStatus

from accord.api.auth import actor_of
from accord.api.schemas import ErrorOut
from accord.errors import Forbidden, Invalid
from accord.notify import oncall, paging
from accord.notify.models import OnCallShift, Page
from accord.sla.jsonio import iso

router = Router(tags=["on-call"])
ERRORS = {code: ErrorOut for code in (400, 401, 403, 404, 409, 422)}


class ShiftIn(Schema):
    user: str
    starts: str
    ends: str
    policy: str = ""
    team: str = ""
    override: bool = False


class ShiftOut(Schema):
    id: int
    user: str
    starts: str
    ends: str
    policy: str
    team: str | None
    override: bool
    rotation: str


class StepOut(Schema):
    n: int
    kind: str
    at: str
    users: list[str]
    note: str


class PageOut(Schema):
    id: int
    request: str
    target: str
    clause: str
    opened: str
    next_at: str | None
    acknowledged: str | None
    acknowledged_by: str
    ended: str
    steps: list[StepOut]


def _shift(s: OnCallShift) -> dict[str, Any]:
    zone = oncall.zone_of(s.policy)
    return {
        "id": s.pk,
        "user": s.user.get_username(),
        "starts": iso(s.starts, zone),
        "ends": iso(s.ends, zone),
        "policy": s.policy,
        "team": s.team.name if s.team else None,
        "override": s.override,
        "rotation": s.rotation,
    }


def _page(p: Page) -> dict[str, Any]:
    zone = oncall.zone_of(p.request.policy)
    return {
        "id": p.pk,
        "request": p.request.display_number,
        "target": p.target,
        "clause": p.clause,
        "opened": iso(p.opened, zone),
        "next_at": iso(p.next_at, zone),
        "acknowledged": iso(p.acknowledged, zone),
        "acknowledged_by": p.acknowledged_by,
        "ended": p.ended,
        "steps": [
            {"n": s.n, "kind": s.kind, "at": iso(s.at, zone), "users": s.users, "note": s.note}
            for s in p.steps.all()
        ],
    }


def _staff_only(request: HttpRequest) -> None:
    if not actor_of(request).is_staff:
        raise Forbidden("rota", "the on-call rota and pages are for staff")


@router.get("/oncall-shifts", response={200: list[ShiftOut], **ERRORS})
def list_shifts(request: HttpRequest, starts: str = "", ends: str = "", policy: str = ""):
    """Shifts overlapping [starts, ends) (default: the coming 14 days), in order."""
    from datetime import timedelta

    from django.utils import timezone

    _staff_only(request)
    zone = oncall.zone_of(oncall._policy(policy))
    start = oncall.parse_when(starts, "starts", zone) if starts else timezone.now()
    end = oncall.parse_when(ends, "ends", zone) if ends else start + timedelta(days=14)
    if end <= start:
        raise Invalid("ends", "must be after starts")
    return [_shift(s) for s in oncall.shifts_between(start, end, policy or None)]


@router.post("/oncall-shifts", response={201: ShiftOut, **ERRORS})
def create_shift(request: HttpRequest, body: ShiftIn):
    """Add a shift (managers and admins); `override` makes it win over the rotation."""
    return HttpStatus(201, _shift(oncall.add_shift(actor_of(request), **body.dict())))


@router.delete("/oncall-shifts/{shift_id}", response={204: None, **ERRORS})
def delete_shift(request: HttpRequest, shift_id: int):
    oncall.remove_shift(actor_of(request), shift_id)
    return HttpStatus(204, None)


@router.get("/pages", response={200: list[PageOut], **ERRORS})
def list_pages(request: HttpRequest, open: bool = False):  # noqa: A002 (the query's name)
    """Pages, newest first, with every step; `open=true`: those still escalating."""
    _staff_only(request)
    pages = Page.objects.select_related("request").prefetch_related("steps")
    if open:
        pages = pages.filter(acknowledged__isnull=True, ended="")
    return [_page(p) for p in pages[:200]]


@router.post("/pages/{page_id}/ack", response={200: PageOut, **ERRORS})
def acknowledge(request: HttpRequest, page_id: int):
    """Acknowledge a page: its escalation stops; a second acknowledgement changes nothing."""
    _staff_only(request)
    return _page(paging.acknowledge(actor_of(request), page_id, via="api"))
