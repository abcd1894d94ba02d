"""Webhooks: subscriptions, the delivery body in three formats, signing, the SSRF guard.

A delivery is a JSON POST; `X-Accord-Signature: sha256=<hex>` is the
HMAC-SHA256 of the exact body bytes with the subscription's secret, and
`X-Accord-Delivery` the delivery id a receiver dedupes by. The body is built
once, stored on the `WebhookDelivery` row and sent as stored, so a retry or a
resend carries the same bytes and the same signature.

SSRF guard: a URL whose host resolves to a loopback, private, link-local,
multicast, reserved or unspecified address is refused, at subscription and again
at each delivery (DNS may change), unless ACCORD_WEBHOOK_ALLOW_PRIVATE=1.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import socket
import urllib.error
import urllib.request
import uuid
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accord.accounts.actor import Actor
from accord.accounts.permissions import CONFIGURATION, require
from accord.audit.services import record
from accord.errors import Conflict, Invalid, NotFound
from accord.notify.models import Webhook, WebhookDelivery
from accord.notify.rules import WEBHOOK_EVENTS
from accord.notify.transport import PermanentError, TemporaryError

TIMEOUT = 10
SIGNATURE = "X-Accord-Signature"
DELIVERY = "X-Accord-Delivery"
PAGERDUTY_URL = "https://events.pagerduty.com/v2/enqueue"


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def _allow_private() -> bool:
    return bool(settings.ACCORD_ALERTS.webhook_allow_private)


def check_url(url: str, field: str = "url") -> str:
    """The URL if it may receive deliveries; Invalid (naming `field`) otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Invalid(field, "expected an http:// or https:// URL with a host")
    if _allow_private():
        return url
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise Invalid(field, f"cannot resolve {parts.hostname!r}: {exc}") from None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not address.is_global or address.is_multicast:
            raise Invalid(
                field,
                f"{parts.hostname} resolves to {address}, a private, loopback or link-local "
                "address (set ACCORD_WEBHOOK_ALLOW_PRIVATE=1 to allow it)",
            )
    return url


def check_events(events: Any) -> list[str]:
    if not isinstance(events, list) or not events:
        raise Invalid("events", f"expected a non-empty list of: {', '.join(WEBHOOK_EVENTS)}")
    unknown = [e for e in events if e not in WEBHOOK_EVENTS]
    if unknown:
        raise Invalid(
            "events", f"unknown event {unknown[0]!r} (one of {', '.join(WEBHOOK_EVENTS)})"
        )
    return list(dict.fromkeys(events))


def render(webhook: Webhook, payload: dict[str, Any]) -> bytes:
    """The body in the subscription's format; `payload` is the Accord JSON body."""
    if webhook.format == Webhook.Format.SLACK:
        body: dict[str, Any] = {"text": summary(payload)}
    elif webhook.format == Webhook.Format.PAGERDUTY:
        body = pagerduty(webhook, payload)
    else:
        body = payload
    return json.dumps(body, separators=(",", ":"), sort_keys=True).encode("utf-8")


def summary(payload: dict[str, Any]) -> str:
    """One line a person reads: event, request, subject, target and link."""
    request = payload.get("request") or {}
    target = payload.get("target")
    words = [payload["event"], str(request.get("number", ""))]
    if target:
        words.append(
            f"{target['kind']} {target['state']} (due {target['due']}, {target['clause']})"
        )
    words.append(f"{request.get('subject', '')} <{request.get('url', '')}>")
    return " ".join(w for w in words if w)


def pagerduty(webhook: Webhook, payload: dict[str, Any]) -> dict[str, Any]:
    """A PagerDuty Events v2 event: trigger for warnings, breaches and pages, resolve on met."""
    request = payload.get("request") or {}
    target = payload.get("target") or {}
    dedup = f"accord-{request.get('number', '')}-{target.get('kind', 'request')}"
    action = "resolve" if payload["event"] == "sla.met" else "trigger"
    severity = "critical" if payload["event"] in ("sla.breached", "page") else "warning"
    return {
        "routing_key": webhook.routing_key,
        "event_action": action,
        "dedup_key": dedup,
        "payload": {
            "summary": summary(payload)[:1024],
            "source": "accord",
            "severity": severity,
            "timestamp": payload["at"],
            "custom_details": payload,
        },
        "links": [{"href": request.get("url", ""), "text": str(request.get("number", ""))}],
    }


def queue(
    webhook: Webhook, key: str, event: str, payload: dict[str, Any], now: datetime, request_id: Any
) -> WebhookDelivery:
    """The delivery row for `key`, created once; its id is filled into the body."""
    existing = WebhookDelivery.objects.filter(key=key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            row = WebhookDelivery.objects.create(
                webhook=webhook,
                request_id=request_id,
                key=key,
                event=event,
                body="",
                next_attempt_at=now,
                created=now,
            )
            body = render(webhook, {**payload, "id": str(row.pk)})
            row.body, row.delivery_id = body.decode("utf-8"), str(row.pk)
            row.save(update_fields=["body", "delivery_id"])
            return row
    except IntegrityError:
        return WebhookDelivery.objects.get(key=key)


def subscribers(event: str) -> list[Webhook]:
    return [w for w in Webhook.objects.filter(active=True).order_by("id") if event in w.events]


def post(row: WebhookDelivery) -> int:
    """POST the stored body; the status code, or TemporaryError/PermanentError."""
    webhook = row.webhook
    try:
        check_url(webhook.url)
    except Invalid as exc:
        raise PermanentError(exc.message) from None
    body = row.body.encode("utf-8")
    http = urllib.request.Request(
        webhook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Accord-Webhook/1",
            SIGNATURE: sign(webhook.secret, body),
            DELIVERY: row.delivery_id,
        },
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(http, timeout=TIMEOUT) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        if exc.code in (408, 429) or exc.code >= 500:
            raise TemporaryError(f"HTTP {exc.code}") from None
        raise PermanentError(f"HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise TemporaryError(str(getattr(exc, "reason", exc))) from None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect could lead past the SSRF guard: it counts as a refusal."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


# --- managing subscriptions (staff admins) ------------------------------------


def require_admin(actor: Actor) -> None:
    """Webhooks are desk configuration (docs/roles.md): admins only."""
    require(actor, CONFIGURATION, field="webhook")


@transaction.atomic
def create_webhook(
    actor: Actor,
    *,
    url: str,
    events: Any,
    secret: str,
    format: str = Webhook.Format.JSON,
    routing_key: str = "",
    now: datetime | None = None,
) -> Webhook:
    now = now or timezone.now()
    require_admin(actor)
    url = check_url((url or "").strip())
    chosen = check_events(events)
    if len(secret or "") < 16:
        raise Invalid("secret", "at least 16 characters, shared with the receiver")
    if format not in Webhook.Format.values:
        raise Invalid("format", f"expected one of {', '.join(Webhook.Format.values)}")
    if format == Webhook.Format.PAGERDUTY and not routing_key:
        raise Invalid("routing_key", "the PagerDuty format needs the integration's routing key")
    hook = Webhook.objects.create(
        url=url,
        events=chosen,
        secret=secret,
        format=format,
        routing_key=routing_key,
        created=now,
        created_by=actor.label,
    )
    record(actor, "webhook.create", hook, now, url=url, events=chosen, format=format)
    return hook


def find_webhook(actor: Actor, webhook_id: int) -> Webhook:
    require_admin(actor)
    hook = Webhook.objects.filter(pk=webhook_id).first()
    if hook is None:
        raise NotFound("id", f"no webhook {webhook_id}")
    return hook


@transaction.atomic
def delete_webhook(actor: Actor, webhook_id: int, now: datetime | None = None) -> None:
    """Deliveries stay on record; the subscription stops receiving events."""
    now = now or timezone.now()
    hook = find_webhook(actor, webhook_id)
    Webhook.objects.filter(pk=hook.pk).update(active=False)
    record(actor, "webhook.delete", hook, now, url=hook.url)


@transaction.atomic
def ping(actor: Actor, webhook_id: int, now: datetime | None = None) -> WebhookDelivery:
    """Queue a `ping` delivery to the subscription (sent by the worker like any other)."""
    now = now or timezone.now()
    hook = find_webhook(actor, webhook_id)
    if not hook.active:
        raise Conflict("id", f"webhook {webhook_id} was deleted")
    body = {"event": "ping", "at": now.isoformat(), "request": None, "target": None}
    key = f"wh:{hook.pk}:ping:{uuid.uuid4().hex}"
    row = queue(hook, key, "ping", body, now, None)
    record(actor, "webhook.ping", hook, now, delivery=row.pk)
    return row


@transaction.atomic
def resend(actor: Actor, delivery_id: int, now: datetime | None = None) -> WebhookDelivery:
    """A new delivery of the same bytes and id: a receiver that already has it drops it."""
    now = now or timezone.now()
    require_admin(actor)
    old = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if old is None:
        raise NotFound("id", f"no webhook delivery {delivery_id}")
    if not old.webhook.active:
        raise Conflict("id", f"webhook {old.webhook_id} was deleted")
    row = WebhookDelivery.objects.create(
        webhook=old.webhook,
        request_id=old.request_id,
        key=f"{old.key}:resend:{uuid.uuid4().hex}",
        event=old.event,
        body=old.body,
        delivery_id=old.delivery_id,
        next_attempt_at=now,
        created=now,
    )
    record(actor, "webhook.resend", old.webhook, now, delivery=old.pk, new=row.pk)
    return row
