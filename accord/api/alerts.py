"""SLA transitions of a request, and webhook subscriptions with their deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema
from ninja import Status as HttpStatus

from accord.api.auth import actor_of
from accord.api.schemas import ErrorOut
from accord.notify import webhooks
from accord.notify.models import Webhook, WebhookDelivery
from accord.sla import load_policy
from accord.sla.jsonio import iso
from accord.tickets.models import SlaTransition
from accord.tickets.queries import find_request

router = Router(tags=["alerts"])
ERRORS = {code: ErrorOut for code in (401, 403, 404, 409, 422)}


class SlaEventOut(Schema):
    target: str
    kind: str
    at: str
    due: str | None
    level: str
    policy: str
    policy_version: str
    clause: str
    clock: str
    recorded: str
    alerted: str | None


@router.get("/requests/{number}/sla-events", response={200: list[SlaEventOut], **ERRORS})
def sla_events(request: HttpRequest, number: str):
    """Every SLA transition of the request, oldest first: recorded once, never rewritten."""
    found = find_request(actor_of(request), number)
    zone = load_policy(found.policy).zone
    rows = SlaTransition.objects.filter(request=found).order_by("at", "id")
    return [
        {
            "target": t.target,
            "kind": t.kind,
            "at": iso(t.at, zone),
            "due": iso(t.due, zone),
            "level": t.level,
            "policy": t.policy,
            "policy_version": t.policy_version,
            "clause": t.clause,
            "clock": t.clock,
            "recorded": iso(t.recorded, zone),
            "alerted": iso(t.alerted, zone),
        }
        for t in rows
    ]


class WebhookIn(Schema):
    url: str
    events: list[str]
    secret: str
    format: Literal["json", "slack", "pagerduty"] = "json"
    routing_key: str = ""


class WebhookOut(Schema):
    id: int
    url: str
    events: list[str]
    format: str
    active: bool
    created: datetime
    created_by: str


class DeliveryOut(Schema):
    id: int
    delivery_id: str
    webhook: int
    event: str
    request: str | None
    state: str
    attempts: int
    status_code: int | None
    reason: str
    next_attempt_at: datetime | None
    created: datetime
    sent_at: datetime | None


def _hook(h: Webhook) -> dict[str, object]:
    return {
        "id": h.pk,
        "url": h.url,
        "events": h.events,
        "format": h.format,
        "active": h.active,
        "created": h.created,
        "created_by": h.created_by,
    }


def _delivery(d: WebhookDelivery) -> dict[str, object]:
    return {
        "id": d.pk,
        "delivery_id": d.delivery_id,
        "webhook": d.webhook_id,
        "event": d.event,
        "request": d.request.display_number if d.request is not None else None,
        "state": d.state,
        "attempts": d.attempts,
        "status_code": d.status_code,
        "reason": d.reason,
        "next_attempt_at": d.next_attempt_at,
        "created": d.created,
        "sent_at": d.sent_at,
    }


@router.post("/webhooks", response={201: WebhookOut, **ERRORS})
def create_webhook(request: HttpRequest, body: WebhookIn):
    """Subscribe a URL to events (staff administrators); the secret signs every delivery."""
    hook = webhooks.create_webhook(actor_of(request), **body.dict())
    return HttpStatus(201, _hook(hook))


@router.get("/webhooks", response={200: list[WebhookOut], **ERRORS})
def list_webhooks(request: HttpRequest):
    webhooks.require_admin(actor_of(request))
    return [_hook(h) for h in Webhook.objects.filter(active=True).order_by("id")]


@router.delete("/webhooks/{webhook_id}", response={204: None, **ERRORS})
def delete_webhook(request: HttpRequest, webhook_id: int):
    webhooks.delete_webhook(actor_of(request), webhook_id)
    return HttpStatus(204, None)


@router.post("/webhooks/{webhook_id}/ping", response={202: DeliveryOut, **ERRORS})
def ping_webhook(request: HttpRequest, webhook_id: int):
    """Queue a test delivery (`event: ping`); the worker sends it."""
    return HttpStatus(202, _delivery(webhooks.ping(actor_of(request), webhook_id)))


@router.get("/webhook-deliveries", response={200: list[DeliveryOut], **ERRORS})
def list_deliveries(
    request: HttpRequest,
    webhook: int | None = None,
    number: str | None = None,
    state: str | None = None,
    limit: int = 100,
):
    """The latest deliveries, newest first; filter by webhook, request or state."""
    actor = actor_of(request)
    webhooks.require_admin(actor)
    rows = WebhookDelivery.objects.select_related("request").order_by("-created", "-id")
    if webhook is not None:
        rows = rows.filter(webhook_id=webhook)
    if number is not None:
        rows = rows.filter(request=find_request(actor, number))
    if state is not None:
        rows = rows.filter(state=state)
    return [_delivery(d) for d in rows[: max(1, min(limit, 500))]]


@router.post("/webhook-deliveries/{delivery_id}/resend", response={202: DeliveryOut, **ERRORS})
def resend_delivery(request: HttpRequest, delivery_id: int):
    """Queue the same delivery again (same body and id); the worker sends it."""
    return HttpStatus(202, _delivery(webhooks.resend(actor_of(request), delivery_id)))
