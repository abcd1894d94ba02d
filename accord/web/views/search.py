"""The top bar's search box: ranked requests with the passage that matched."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accord.errors import DeskError
from accord.tickets import search
from accord.web.access import actor_for, staff_required
from accord.web.views.common import page_context

PAGE = 25


def _page_number(value: str | None) -> int:
    if value in (None, ""):
        return 1
    if not value.isdigit() or int(value) < 1:
        raise DeskError("page", "expected a page number from 1")
    return int(value)


@require_GET
@staff_required
def search_page(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    ctx: dict[str, object] = {"q": q, "hits": [], "page": 1}
    status = 200
    if q.strip():
        try:
            page = _page_number(request.GET.get("page"))
            hits = search.search(actor_for(request), q, limit=PAGE + 1, offset=(page - 1) * PAGE)
        except DeskError as exc:
            ctx["error"], status = exc, 400
        else:
            ctx.update(hits=hits[:PAGE], page=page, more=len(hits) > PAGE, first=(page - 1) * PAGE)
    return render(request, "web/search.html", page_context(request, **ctx), status=status)
