"""The request page and its htmx actions.

GET shows the request; POST to `<action>/` parses that action's form and calls
its service. htmx posts get the request panel back (with the form's errors
next to the named field and a 4xx status when refused); plain form posts are
redirected back to the page on success (post/redirect/get).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accord.errors import DeskError, NotFound
from accord.tickets import exclusions
from accord.tickets.macros import usable as usable_macros
from accord.tickets.models import Request, Status
from accord.tickets.queries import find_request
from accord.tickets.scope_messages import exclusion_message
from accord.tickets.targets import evaluate_request, policy_of, targets_apply
from accord.web import present
from accord.web.access import actor_for, staff_required
from accord.web.actions import ACTIONS, Action, attach_error, make_form, unbound_forms
from accord.web.sla_view import notice_explanation, target_views
from accord.web.views.common import is_htmx, page_context
from accord.web.views.oncall import request_alerts
from accord.web.zones import viewer_zone


@dataclass(frozen=True)
class ActionItem:
    name: str
    spec: Action
    form: forms.Form
    open: bool


def _find(request: HttpRequest, number: str) -> Request:
    try:
        return find_request(actor_for(request), number)
    except NotFound as exc:
        raise Http404(exc.message) from None


def panel_context(
    http: HttpRequest,
    req: Request,
    now: datetime,
    *,
    forms_: dict[str, forms.Form] | None = None,
    active: str = "",
    done: str = "",
    refusal: str = "",
) -> dict[str, Any]:
    """Everything the request panel shows, evaluated as of `now`."""
    zone = policy_of(req).zone
    viewer = viewer_zone(http)
    ev = evaluate_request(req, now) if targets_apply(req) else None
    all_forms = unbound_forms(req)
    all_forms.update(forms_ or {})
    opened = active or "reply"
    items = [
        ActionItem(name, spec, all_forms[name], name == opened)
        for name, spec in ACTIONS.items()
        if spec.applies(req) or (name == active and not done)
    ]
    # The suggested exclusion's two actions sit with the suggestion, not in the list.
    decide = [i for i in items if i.name in SUGGESTION_ACTIONS]
    items = [i for i in items if i.name not in SUGGESTION_ACTIONS]
    return {
        "req": req,
        "head": present.header(req, zone, viewer),
        "targets": target_views(req, now, viewer, explain=True, evaluation=ev),
        "notice_lines": notice_explanation(req, now) if ev is not None else [],
        "messages_": present.messages(req, zone, viewer),
        "deliveries": present.deliveries(req, zone, viewer),
        "events": present.events(req, zone, viewer),
        **request_alerts(req, zone, viewer),
        "action_items": items,
        "suggestion": suggestion_view(req, decide),
        "splits": list(req.splits.order_by("number").only("number", "subject")),
        "closed": req.status == Status.CLOSED,
        "active": active,
        "done": done,
        "refusal": refusal,
        "macros": list(usable_macros(actor_for(http))),
        "macro_body": "",
        "macro_chosen": "",
    }


SUGGESTION_ACTIONS = ("confirm-exclusion", "dismiss-exclusion")


def suggestion_view(req: Request, decide: list[ActionItem]) -> dict[str, Any] | None:
    """A suggested exclusion: what matched, and the mail the customer gets if confirmed."""
    spec = exclusions.suggested(req)
    if spec is None:
        return None
    flag: dict[str, str] = next(
        (f for f in req.flags or [] if f.get("code") == exclusions.FLAG), {}
    )
    return {
        "spec": spec,
        "words": flag.get("words", ""),
        "preview": exclusion_message(req, policy_of(req), spec),
        "actions": decide,
    }


@require_GET
@staff_required
def request_page(request: HttpRequest, number: str) -> HttpResponse:
    req = _find(request, number)
    ctx = panel_context(request, req, timezone.now())
    return render(request, "web/request.html", page_context(request, **ctx))


@require_POST
@staff_required
def request_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """Run one action; 4xx with the error next to the named field when refused."""
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404(f"no action {action!r}")
    req = _find(request, number)
    form = make_form(spec, req, request.POST)
    status, refusal = 422, ""
    if form.is_valid():
        try:
            spec.run(actor_for(request), req.number, form.cleaned_data)
        except DeskError as exc:
            attach_error(form, exc.field, exc.message)
            status, refusal = exc.status, f"{exc.field}: {exc.message}"
        else:
            if not is_htmx(request):
                return redirect("web:request", number=req.display_number)
            req = _find(request, number)
            ctx = panel_context(request, req, timezone.now(), active=action, done=spec.title)
            return render(request, "web/partials/request_panel.html", ctx)
    ctx = panel_context(
        request, req, timezone.now(), forms_={action: form}, active=action, refusal=refusal
    )
    template = "web/partials/request_panel.html" if is_htmx(request) else "web/request.html"
    return render(request, template, page_context(request, **ctx), status=status)
