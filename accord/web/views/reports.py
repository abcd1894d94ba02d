"""Contract reports for managers: all organisations, one organisation, drill-down.

Every table is also CSV (`?format=csv`, `&table=breaches` for the breaches);
the figures come from `accord.reports` (docs/reports.md). Bad input (an unknown
period, level, target kind or verdict) is a 400 naming the parameter.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accord.contracts.models import Organization
from accord.errors import DeskError, Invalid
from accord.notify import paging
from accord.reports import charts, figures, periods, statement, tables
from accord.reports.models import Statement
from accord.sla import Policy, load_policy
from accord.web.access import actor_for, manager_required
from accord.web.views.common import page_context

UTC_ZONE = ZoneInfo("UTC")  # a period's name does not depend on the zone


def csv_response(rows: list[dict[str, Any]], header: tuple[str, ...], name: str) -> HttpResponse:
    res = HttpResponse(tables.to_csv(rows, header), content_type="text/csv; charset=utf-8")
    res["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return res


def _error(request: HttpRequest, exc: DeskError, **ctx: Any) -> HttpResponse:
    return render(
        request, "web/reports/error.html", page_context(request, error=exc, **ctx), status=400
    )


def _org(org_id: int) -> tuple[Organization, Policy]:
    org = Organization.objects.filter(pk=org_id).first()
    if org is None:
        raise Http404("no such organisation")
    return org, load_policy(org.policy)


def _period(request: HttpRequest, policy: Policy) -> periods.Period:
    today = timezone.now().astimezone(policy.zone).date()
    return periods.parse(request.GET.get("period"), policy.zone, today=today)


@require_GET
@manager_required
def overview(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    key = request.GET.get("period", "")
    try:
        rows = tables.overview_rows(key, now)
    except DeskError as exc:
        return _error(request, exc)
    if request.GET.get("format") == "csv":
        return csv_response(rows, tables.SUMMARY_FIELDS, f"sla-overview-{key or 'month'}")
    period = periods.parse(key, UTC_ZONE, today=now.date())
    ctx = {
        "rows": rows,
        "period_key": key,
        "period_value": key,
        "period_label": period.label,
        "pages": paging.summary(period.start, period.end),
    }
    return render(request, "web/reports/overview.html", page_context(request, **ctx))


def statement_context(org: Organization, error: str = "") -> dict[str, Any]:
    return {
        "subscribed": statement.subscribed(org),
        "recipients": statement.recipients(org),
        "sent": list(Statement.objects.filter(organization=org)[:20]),
        "error": error,
    }


@require_GET
@manager_required
def organization(request: HttpRequest, org_id: int) -> HttpResponse:
    org, policy = _org(org_id)
    try:
        period = _period(request, policy)
    except DeskError as exc:
        return _error(request, exc, org=org)
    return org_report(request, org, period)


def org_report(
    request: HttpRequest,
    org: Organization,
    period: periods.Period,
    *,
    status: int = 200,
    error: str = "",
) -> HttpResponse:
    """The organisation's report page (or one of its tables as CSV)."""
    now = timezone.now()
    report = figures.build(org, period, now)
    table = request.GET.get("table", "lines")
    if request.GET.get("format") == "csv":
        name = f"sla-{org.pk}-{period.key}"
        if table == "breaches":
            return csv_response(
                tables.breach_rows(report), tables.BREACH_FIELDS, name + "-breaches"
            )
        if table == "lines":
            return csv_response(tables.line_rows(report), tables.LINE_FIELDS, name)
        return _error(request, Invalid("table", "expected lines or breaches"), org=org)
    trend = tables.compliance_by_month(org, period, now)
    backlog = tables.backlog_per_level(org)
    histogram = tables.first_response_histogram(report)
    ctx = {
        "org": org,
        "report": report,
        "period": period,
        "period_value": period.key,
        "previous": period.previous(),
        "fr_total": report.line_total("first_response"),
        "res_total": report.line_total("resolution"),
        "trend_chart": charts.bar_chart(
            "Targets met per month (%)",
            [m for m, _, _ in trend],
            [
                charts.Series("First response", [fr for _, fr, _ in trend]),
                charts.Series("Resolution", [res for _, _, res in trend]),
            ],
            y_max=100,
            fmt=lambda v: f"{v:g}%",
        ),
        "statement": statement_context(org, error),
        "backlog_chart": charts.bar_chart(
            "Unresolved requests per level, now",
            [label for label, _ in backlog],
            [charts.Series("Unresolved", [n for _, n in backlog])],
        ),
        "histogram_chart": charts.bar_chart(
            "Time to first response on the target's clock (requests)",
            [label for label, _ in histogram],
            [charts.Series("Requests", [n for _, n in histogram])],
        ),
    }
    return render(
        request, "web/reports/organization.html", page_context(request, **ctx), status=status
    )


@require_GET
@manager_required
def drill(request: HttpRequest, org_id: int) -> HttpResponse:
    now = timezone.now()
    org, policy = _org(org_id)
    try:
        period = _period(request, policy)
        q = request.GET
        wanted = tables.parse_drill(
            q.get("level", ""), q.get("kind", ""), q.get("verdict", ""), policy
        )
    except DeskError as exc:
        return _error(request, exc, org=org)
    rows = tables.drill_rows(org, period, wanted, now)
    if request.GET.get("format") == "csv":
        return csv_response(rows, tables.DRILL_FIELDS, f"sla-{org.pk}-{period.key}-targets")
    ctx = {
        "org": org,
        "period": period,
        "rows": rows,
        "wanted": wanted,
        "level_label": figures.level_label(policy, wanted.level) if wanted.level else "",
    }
    return render(request, "web/reports/drill.html", page_context(request, **ctx))


def _after_post(request: HttpRequest, org: Organization, period: periods.Period) -> HttpResponse:
    url = reverse("web:org-report", args=[org.pk]) + f"?period={period.key}#statement"
    return redirect(url)


@require_POST
@manager_required
def statement_subscription(request: HttpRequest, org_id: int) -> HttpResponse:
    org, policy = _org(org_id)
    enabled = request.POST.get("enabled")
    if enabled not in ("0", "1"):
        return _error(request, Invalid("enabled", "expected 0 or 1"), org=org)
    try:
        period = periods.parse(request.POST.get("period"), policy.zone)
    except DeskError as exc:
        return _error(request, exc, org=org)
    statement.set_subscription(actor_for(request), org, enabled=enabled == "1")
    return _after_post(request, org, period)


@require_POST
@manager_required
def statement_send(request: HttpRequest, org_id: int) -> HttpResponse:
    org, policy = _org(org_id)
    try:
        period = periods.parse(request.POST.get("period"), policy.zone)
    except DeskError as exc:
        return _error(request, exc, org=org)
    try:
        rows = statement.send_statement(actor_for(request), org, period)
    except DeskError as exc:
        error = f"{exc.field}: {exc.message}"
        return org_report(request, org, period, status=exc.status, error=error)
    failed = [r.to_email for r in rows if r.state == Statement.State.FAILED]
    if failed:
        error = f"smtp: not sent to {', '.join(failed)} (see the reason below; send again)"
        return org_report(request, org, period, status=502, error=error)
    return _after_post(request, org, period)


@require_GET
@manager_required
def statement_preview(request: HttpRequest, org_id: int) -> HttpResponse:
    """The statement's HTML exactly as it would be mailed."""
    org, policy = _org(org_id)
    try:
        period = _period(request, policy)
    except DeskError as exc:
        return _error(request, exc, org=org)
    return HttpResponse(statement.compose(org, period, timezone.now()).html)
