"""Contract reports as JSON: the same rows as the desk's tables and CSV (docs/reports.md).

Staff see every organisation; a customer's token only its own (another's is
a 404), so a customer can ask how its contract was kept. An unknown query
parameter is a 400 naming it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router

from accord.api.auth import actor_of
from accord.api.schemas import ErrorOut
from accord.contracts.services import get_organization
from accord.errors import Forbidden, UnknownParameter
from accord.reports import figures, periods, tables
from accord.sla import load_policy

router = Router(tags=["reports"])
ERRORS = {code: ErrorOut for code in (400, 401, 403, 404, 422)}


def _only(request: HttpRequest, *known: str) -> None:
    for name in request.GET:
        if name not in known:
            raise UnknownParameter(name, f"unknown query parameter (known: {', '.join(known)})")


def _period_json(period: periods.Period) -> dict[str, str]:
    return {
        "key": period.key,
        "first": period.first.isoformat(),
        "last": period.last.isoformat(),
        "zone": str(period.zone),
    }


@router.get("/reports/organizations", response={200: dict[str, Any], **ERRORS})
def overview(request: HttpRequest, period: str = ""):
    _only(request, "period")
    actor = actor_of(request)
    if not actor.is_staff:
        raise Forbidden("token", "the overview of every organisation is for staff")
    return {"period": period, "items": tables.overview_rows(period, timezone.now())}


def _org_period(request: HttpRequest, org_id: int, period: str) -> tuple[Any, periods.Period]:
    org = get_organization(actor_of(request), org_id)
    zone = load_policy(org.policy).zone
    today = timezone.now().astimezone(zone).date()
    return org, periods.parse(period, zone, today=today)


@router.get("/reports/organizations/{org_id}", response={200: dict[str, Any], **ERRORS})
def organization(request: HttpRequest, org_id: int, period: str = ""):
    _only(request, "period")
    org, found = _org_period(request, org_id, period)
    report = figures.build(org, found, timezone.now())
    return {
        "organization": org.pk,
        "name": org.name,
        "policy": org.policy,
        "period": _period_json(report.period),
        "requests": report.requests,
        "without_targets": report.without_targets,
        "lines": tables.line_rows(report),
        "breaches": tables.breach_rows(report),
    }


@router.get("/reports/organizations/{org_id}/targets", response={200: dict[str, Any], **ERRORS})
def targets(
    request: HttpRequest,
    org_id: int,
    period: str = "",
    level: str = "",
    kind: str = "",
    verdict: str = "",
):
    _only(request, "period", "level", "kind", "verdict")
    org, found = _org_period(request, org_id, period)
    policy = load_policy(org.policy)
    wanted = tables.parse_drill(level, kind, verdict, policy)
    rows = tables.drill_rows(org, found.in_zone(policy.zone), wanted, timezone.now())
    return {"period": _period_json(found), "items": rows}
