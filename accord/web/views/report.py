"""The manager's report: targets met and breached per policy and level."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accord.errors import DeskError
from accord.web import report
from accord.web.access import manager_required
from accord.web.views.common import page_context


@manager_required
def report_page(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    try:
        days = report.parse_days(request.GET.get("days"))
    except DeskError as exc:
        ctx = {"error": exc, "days": report.DEFAULT_DAYS, "periods": report.PERIODS, "lines": []}
        return render(request, "web/report.html", page_context(request, **ctx), status=400)
    lines = report.build(now, days)
    ctx = {"days": days, "periods": report.PERIODS, "lines": lines, "now": now}
    return render(request, "web/report.html", page_context(request, **ctx))
