"""The triage review list: requests whose text reads as an excluded type (capella 2.4).

Each row links to the request page, where the agent confirms or dismisses the
suggestion (accord/tickets/exclusions.py); the list itself changes nothing.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accord.tickets import exclusions
from accord.tickets.targets import policy_of
from accord.web.access import actor_for, staff_required
from accord.web.views.common import page_context
from accord.web.zones import show, viewer_zone

# The list is a work queue: a screenful is what an agent acts on before reloading.
LIMIT = 200


@require_GET
@staff_required
def suggested_exclusions(request: HttpRequest) -> HttpResponse:
    viewer = viewer_zone(request)
    found = list(exclusions.review_list(actor_for(request))[: LIMIT + 1])
    rows = []
    for req in found[:LIMIT]:
        flag: dict[str, str] = next(
            (f for f in req.flags or [] if f.get("code") == exclusions.FLAG), {}
        )
        rows.append(
            {
                "req": req,
                "spec": exclusions.suggested(req),
                "words": flag.get("words", ""),
                "received": show(req.received, policy_of(req).zone, viewer),
            }
        )
    return render(
        request,
        "web/suggested_exclusions.html",
        page_context(request, rows=rows, more=len(found) > LIMIT),
    )
