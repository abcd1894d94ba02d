"""Triage: the review list of suggested exclusions and the agent's decision on them.

`GET /exclusions/suggested` lists open requests whose text reads as an excluded
type (capella 2.4); `POST /requests/{n}/exclusion/confirm` and `.../dismiss`
decide one (accord/tickets/exclusions.py). docs/scope.md has the rules.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from accord.api import present
from accord.api.auth import actor_of
from accord.api.pagination import check_limit
from accord.api.schemas import ErrorOut, RequestDetailOut
from accord.sla.jsonio import iso
from accord.tickets import exclusions
from accord.tickets.actions import require_staff
from accord.tickets.queries import find_request
from accord.tickets.targets import policy_of

router = Router(tags=["triage"])
ERRORS = {code: ErrorOut for code in (401, 403, 404, 409, 422)}


class ConfirmIn(Schema):
    reason: str = ""


class DismissIn(Schema):
    reason: str


class SuggestionOut(Schema):
    exclusion: str
    clause: str
    label: str
    message: str
    guidance: str


class SuggestedOut(Schema):
    number: str
    subject: str
    organization: int
    organization_name: str
    level: str
    received: str
    scope: str
    suggestion: SuggestionOut


class SuggestedPage(Schema):
    items: list[SuggestedOut]
    more: bool


@router.get("/exclusions/suggested", response={200: SuggestedPage, **ERRORS})
def suggested(request: HttpRequest, limit: int = 100):
    """Open requests waiting for an agent to confirm or dismiss a suggested exclusion."""
    actor = actor_of(request)
    require_staff(actor)
    check_limit(limit)
    rows = list(exclusions.review_list(actor)[: limit + 1])
    items = []
    for r in rows[:limit]:
        spec = exclusions.suggested(r)
        flag: dict[str, str] = next((f for f in r.flags if f.get("code") == exclusions.FLAG), {})
        items.append(
            {
                "number": r.display_number,
                "subject": r.subject,
                "organization": r.organization_id,
                "organization_name": r.organization.name,
                "level": r.level,
                "received": iso(r.received, policy_of(r).zone),
                "scope": r.scope,
                "suggestion": {
                    "exclusion": r.suggested_exclusion,
                    "clause": spec.clause if spec else "",
                    "label": spec.label if spec else r.suggested_exclusion,
                    "message": str(flag.get("message", "")),
                    "guidance": spec.guidance if spec else "",
                },
            }
        )
    return {"items": items, "more": len(rows) > limit}


def _detail(request: HttpRequest, number: str | int) -> dict[str, object]:
    actor = actor_of(request)
    return present.detail(find_request(actor, number), actor, timezone.now())


@router.post("/requests/{number}/exclusion/confirm", response={200: RequestDetailOut, **ERRORS})
def confirm(request: HttpRequest, number: str, payload: ConfirmIn):
    """Excluded from now: no targets from notice; the guidance is mailed to the customer."""
    done = exclusions.confirm_exclusion(actor_of(request), number, reason=payload.reason)
    return _detail(request, done.number)


@router.post("/requests/{number}/exclusion/dismiss", response={200: RequestDetailOut, **ERRORS})
def dismiss(request: HttpRequest, number: str, payload: DismissIn):
    """Not an excluded request: the suggestion goes, the targets keep running."""
    done = exclusions.dismiss_exclusion(actor_of(request), number, reason=payload.reason)
    return _detail(request, done.number)
