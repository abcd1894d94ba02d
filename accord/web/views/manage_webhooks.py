"""Administration › Webhooks: subscriptions, a ping, recent deliveries and resend.

Every POST calls one service of accord.notify.webhooks (audited, admins only)
and comes back with the refusal beside the field it names. The secret is
write-only like an IMAP password: the admin types it here and gives it to the
receiver, which checks signatures with it; no page shows it back.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accord.errors import DeskError
from accord.notify import webhooks
from accord.notify.models import Webhook, WebhookDelivery
from accord.notify.rules import WEBHOOK_EVENTS
from accord.web.access import actor_for, admin_required
from accord.web.contract_forms import put_error
from accord.web.views.common import page_context

RECENT = 25


class WebhookForm(forms.Form):
    url = forms.CharField(max_length=2000, label="URL")
    events = forms.MultipleChoiceField(
        choices=[(e, e) for e in WEBHOOK_EVENTS], widget=forms.CheckboxSelectMultiple
    )
    format = forms.ChoiceField(choices=Webhook.Format.choices)
    secret = forms.CharField(
        max_length=200,
        label="Secret (at least 16 characters; stored for signing, never shown)",
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    routing_key = forms.CharField(
        max_length=200, required=False, label="Routing key (PagerDuty format only)"
    )


def _page(request: HttpRequest, form: WebhookForm, status: int = 200, **ctx: Any) -> HttpResponse:
    hooks = Webhook.objects.order_by("-active", "url", "pk")
    recent = WebhookDelivery.objects.select_related("webhook").order_by("-pk")[:RECENT]
    context = page_context(
        request, section="web/manage/webhooks.html", hooks=hooks, recent=recent, form=form, **ctx
    )
    return render(request, "web/manage/webhooks.html", context, status=status)


@admin_required
def hooks(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, WebhookForm(initial={"format": Webhook.Format.JSON}))
    form = WebhookForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=422)
    try:
        hook = webhooks.create_webhook(actor_for(request), **form.cleaned_data)
    except DeskError as exc:
        put_error(form, exc.field, exc.message)
        return _page(request, form, status=exc.status)
    return _page(request, WebhookForm(), created=hook)


def _act(request: HttpRequest, call: Any) -> HttpResponse:
    try:
        call(actor_for(request), int(request.POST.get("id", "0")))
    except (DeskError, ValueError) as exc:
        error = exc if isinstance(exc, DeskError) else DeskError("id", "expected a number")
        return _page(request, WebhookForm(), status=getattr(error, "status", 400), error=error)
    return redirect("web:manage-webhooks")


@admin_required
@require_POST
def ping(request: HttpRequest) -> HttpResponse:
    return _act(request, webhooks.ping)


@admin_required
@require_POST
def delete(request: HttpRequest) -> HttpResponse:
    return _act(request, webhooks.delete_webhook)


@admin_required
@require_POST
def resend(request: HttpRequest) -> HttpResponse:
    return _act(request, webhooks.resend)
