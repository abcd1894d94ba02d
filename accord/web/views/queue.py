"""The "due next" queue (home page) and its htmx-refreshed rows."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accord.accounts.models import Team
from accord.contracts.models import Organization
from accord.errors import DeskError
from accord.tickets import listing, saved_views
from accord.tickets.models import Scope
from accord.web import queue
from accord.web.access import actor_for, staff_required
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


def _choices() -> dict[str, object]:
    """The filter form's choices: two queries (organisations with their policies, teams)."""
    orgs = list(Organization.objects.order_by("name").values_list("pk", "name", "policy"))
    policies = queue.policy_choices({policy for _, _, policy in orgs})
    return {
        "policies": policies,
        "statuses": [(s.value, s.label) for s in queue.QUEUE_STATUSES],
        "teams": list(Team.objects.order_by("name").values_list("name", flat=True)),
        "levels": list(queue.level_choices(policies).items()),
        "organizations": [(pk, name) for pk, name, _ in orgs],
        "scopes": Scope.choices,
    }


@staff_required
def view_list(request: HttpRequest) -> HttpResponse:
    """The sidebar's saved views with their counts, loaded after the page (htmx)."""
    now = timezone.now()
    views = list(saved_views.visible(actor_for(request)))
    current = queue.filter_query(request.GET)
    everything = listing.count_upto(listing.open_requests(), queue.COUNT_CAP + 1)
    ctx = {
        "views": queue.view_counts(views, request.user, now, current),
        "all_count": min(everything, queue.COUNT_CAP),
        "current_query": current,
    }
    return render(request, "web/partials/view_list.html", ctx)


@staff_required
def queue_page(request: HttpRequest) -> HttpResponse:
    """The whole page: saved views, filters, and the rows (which refresh themselves)."""
    ctx, status = _context(request)
    if not is_htmx(request):
        ctx.update(_choices())
    template = "web/partials/queue_rows.html" if is_htmx(request) else "web/queue.html"
    return render(request, template, page_context(request, **ctx), status=status)


@staff_required
def queue_rows(request: HttpRequest) -> HttpResponse:
    """Only the rows: what the filters and the periodic refresh swap in."""
    ctx, status = _context(request)
    return render(request, "web/partials/queue_rows.html", ctx, status=status)


@require_POST
@staff_required
def save_view(request: HttpRequest) -> HttpResponse:
    """Save the current filters under a name, for me or shared with my team."""
    query = queue.filter_query(request.POST)
    try:
        queue.parse_filters(QueryDict(query))
        saved_views.save_view(
            actor_for(request),
            name=request.POST.get("name", ""),
            query=query,
            share=request.POST.get("share") == "1",
        )
    except DeskError as exc:
        ctx, _ = _context(request)
        ctx.update(_choices(), view_error=f"{exc.field}: {exc.message}")
        return render(request, "web/queue.html", page_context(request, **ctx), status=exc.status)
    return redirect(reverse("web:queue") + (f"?{query}" if query else ""))


@require_POST
@staff_required
def delete_view(request: HttpRequest, view_id: int) -> HttpResponse:
    try:
        saved_views.delete_view(actor_for(request), view_id)
    except DeskError:
        raise Http404("no such view") from None
    return redirect("web:queue")
