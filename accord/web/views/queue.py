"""The "due next" queue (home page) and its htmx-refreshed rows."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accord.errors import DeskError
from accord.tickets import listing
from accord.web import queue
from accord.web.access import staff_required
from accord.web.views.common import is_htmx, page_context
from accord.web.zones import viewer_zone


def _context(request: HttpRequest) -> tuple[dict[str, object], int]:
    now = timezone.now()
    try:
        filters = queue.parse_filters(request.GET)
    except DeskError as exc:
        return {"error": exc, "filters": queue.Filters(), "rows": []}, 400
    qs = queue.queue_queryset(filters, request.user, now)
    cursor = request.GET.get("cursor") or None
    try:
        rows, nxt = queue.rows(qs, now, viewer_zone(request), cursor)
    except DeskError as exc:
        return {"error": exc, "filters": filters, "rows": []}, 400
    total = listing.count_upto(qs, queue.COUNT_CAP + 1)
    return {
        "filters": filters,
        "rows": rows,
        "next_query": _with_cursor(request, nxt) if nxt else "",
        "total": min(total, queue.COUNT_CAP),
        "more_than_total": total > queue.COUNT_CAP,
        "page_size": queue.PAGE_SIZE,
        "now": now,
    }, 200


def _with_cursor(request: HttpRequest, cursor: str) -> str:
    query = request.GET.copy()
    query["cursor"] = cursor
    return query.urlencode()


@staff_required
def queue_page(request: HttpRequest) -> HttpResponse:
    """The whole page: filters, and the rows (which refresh themselves with htmx)."""
    ctx, status = _context(request)
    ctx.update(
        policies=queue.policy_choices(),
        statuses=[(s.value, s.label) for s in queue.QUEUE_STATUSES],
    )
    template = "web/partials/queue_rows.html" if is_htmx(request) else "web/queue.html"
    return render(request, template, page_context(request, **ctx), status=status)


@staff_required
def queue_rows(request: HttpRequest) -> HttpResponse:
    """Only the rows: what the filters and the periodic refresh swap in."""
    ctx, status = _context(request)
    return render(request, "web/partials/queue_rows.html", ctx, status=status)
