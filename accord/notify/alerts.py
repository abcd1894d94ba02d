"""Sending alerts: staff mail and webhook deliveries for SLA transitions and desk events.

`alert_transitions` is what the worker calls: it claims transitions not yet
alerted (`SlaTransition.alerted` is null; a partial index), and for each one
queues its staff mail (outbox rows, kind `alert`) and webhook deliveries and
marks it alerted, all in one transaction. Every row it makes has a unique key
(`alert:<transition>:<user>`, `wh:<webhook>:t<transition>`), so a transition is
alerted once even when two workers or a restart reach it.

A transition that took effect before the request was recorded in the desk
(imported history) is marked alerted without sending anything: an import never
floods anyone.

Desk events (new request, assignment, customer reply, status, level) are
alerted from their event-log row the same way: `Event.alerted` is claimed by
a conditional update (the on-commit receiver, at once) or by the worker's sweep
(`alert_events`: SKIP LOCKED, a partial index on `alerted IS NULL`), whichever
comes first, and in that transaction the staff alerts, the customer's status
mail and an after-hours page (accord.notify.paging) are queued, each under its
own unique key. A crash between the service's commit and the receiver leaves
the event unclaimed, and the worker sends it on its next pass.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accord.intake.identity import mail_config, own_mail
from accord.notify import digest, paging, rules, webhooks
from accord.notify.models import Outbox
from accord.notify.queue import FRESH
from accord.sla import load_policy
from accord.sla.jsonio import iso
from accord.tickets.models import Event, Request, SlaTransition

logger = logging.getLogger(__name__)
BATCH = 200
EVENT_RELATED = (
    "request__organization", "request__assignee", "request__team", "request__contact",
)  # fmt: skip
EVENT_KINDS = {
    "opened": "request.created",
    "assigned": "request.assigned",
    "customer_reply": "request.customer_replied",
    "status": "request.status_changed",
}
TITLES = {
    "request.created": "New request",
    "request.assigned": "Assigned to you",
    "request.customer_replied": "The customer replied",
    "sla.warning": "SLA warning",
    "sla.breached": "SLA breached",
    "page": "PAGE",
}


def request_url(request: Request) -> str:
    return f"{settings.ACCORD_ALERTS.base_url}/requests/{request.display_number}/"


def payload(
    event: str, request: Request, at: datetime, transition: SlaTransition | None
) -> dict[str, Any]:
    """The webhook body (without its id): the request and the target, in the policy's zone."""
    zone = load_policy(request.policy).zone
    target = None
    if transition is not None:
        target = {
            "kind": transition.target,
            "due": iso(transition.due, zone),
            "state": transition.kind,
            "clause": transition.clause,
        }
    return {
        "event": event,
        "at": iso(at, zone),
        "request": {
            "number": request.display_number,
            "subject": request.subject,
            "level": request.level,
            "status": request.status,
            "organization": request.organization.name,
            "policy": request.policy,
            "url": request_url(request),
        },
        "target": target,
    }


def mail(
    user: User,
    key: str,
    event: str,
    request: Request,
    context: dict[str, Any],
    now: datetime,
    template: str = "alert",
) -> None:
    """Queue one staff mail (kind `alert`) under the unique `key`, once."""
    if Outbox.objects.filter(notice_key=key).exists():
        return
    context = {
        **context,
        "title": TITLES.get(event, event),
        "number": request.display_number,
        "request": request,
        "url": request_url(request),
        "user": user,
    }
    title = _one_line(f"{context['title']}: {context.get('what') or request.subject}")
    Outbox.objects.create(
        request=request,
        notice_key=key,
        kind=Outbox.Kind.ALERT,
        automated=True,
        from_email=f"Accord <{mail_config().default_from}>",
        to_email=user.email.strip().lower(),
        subject=f"[{request.display_number}] {title}"[:300],
        message_id=own_mail().make_message_id(),
        body_text=render_to_string(f"notify/{template}.txt", context).strip() + "\n",
        body_html=render_to_string(f"notify/{template}.html", context),
        state=Outbox.State.QUEUED,
        next_attempt_at=now,
        created=now,
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def send(
    event: str,
    request: Request,
    *,
    key: str,
    at: datetime,
    now: datetime,
    transition: SlaTransition | None = None,
    context: dict[str, Any] | None = None,
) -> int:
    """Queue the mail and webhook deliveries of one event once (`key`); how many rows."""
    made = 0
    if event in rules.MAIL_EVENTS:
        clock = transition.clock if transition is not None else ""
        for user in rules.recipients(event, request, clock=clock, at=at):
            user_key = f"alert:{key}:{user.pk}"
            if digest.wants_digest(user):
                what = (context or {}).get("what") or request.subject
                line = _one_line(f"{request.display_number} {TITLES.get(event, event)}: {what}")
                digest.hold(user, user_key, event, request, line, now)
            else:
                mail(user, user_key, event, request, context or {}, now)
            made += 1
    hooks = webhooks.subscribers(event)
    if hooks:
        body = payload(event, request, at, transition)
        for hook in hooks:
            webhooks.queue(hook, f"wh:{hook.pk}:{key}", event, body, now, request.pk)
            made += 1
    return made


def _transition_context(t: SlaTransition, request: Request) -> dict[str, Any]:
    zone = load_policy(request.policy).zone
    name = t.get_target_display().lower()
    what = f"{name} {'breached' if t.kind == 'breached' else 'due soon'}"
    return {
        "what": what,
        "transition": t,
        "target_name": name,
        "due_local": t.due.astimezone(zone).strftime("%a %d %b %Y %H:%M %Z") if t.due else "",
    }


def alert_transition(t: SlaTransition, now: datetime) -> int:
    """Queue the alerts of one claimed transition and mark it alerted."""
    request = t.request
    event = rules.TRANSITION_EVENTS.get(t.kind)
    made = 0
    if event is not None and t.at >= request.created:
        context = _transition_context(t, request)
        made = send(event, request, key=f"t{t.pk}", at=t.at, now=now, transition=t, context=context)
    SlaTransition.objects.filter(pk=t.pk).update(alerted=now)
    return made


def alert_transitions(now: datetime | None = None, limit: int = BATCH) -> int:
    """One batch of transitions not yet alerted; how many were handled."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = SlaTransition.objects.filter(alerted__isnull=True).order_by("id")
        if connection.vendor == "postgresql":
            rows = rows.select_for_update(skip_locked=True, of=("self",))
        claimed = list(rows.select_related("request__organization", "request__assignee")[:limit])
        for t in claimed:
            alert_transition(t, now)
    return len(claimed)


def handle_event(event: Event, now: datetime) -> int:
    """Everything one claimed desk event queues; inside the claiming transaction."""
    from accord.notify.customer import status_notice

    made = alert_event(event, now)
    made += 1 if status_notice(event, now) is not None else 0
    if event.kind in ("opened", "level") and event.recorded - event.at <= FRESH:
        made += 1 if paging.page_if_after_hours(event.request, now) is not None else 0
    return made


def alert_events(now: datetime | None = None, limit: int = BATCH) -> int:
    """The worker's sweep: one batch of desk events nobody has alerted yet."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = Event.objects.filter(alerted__isnull=True).order_by("id")
        if connection.vendor == "postgresql":
            rows = rows.select_for_update(skip_locked=True, of=("self",))
        claimed = list(rows.select_related(*EVENT_RELATED)[:limit])
        Event.objects.filter(pk__in=[e.pk for e in claimed]).update(alerted=now)
        for event in claimed:
            handle_event(event, now)
    return len(claimed)


def alert_request_events(request_id: int, now: datetime | None = None) -> int:
    """The on-commit path: the request's events nobody has alerted yet, claimed by one
    conditional update that returns the rows it moved (the worker's sweep may hold
    some: those are not returned, so each event is alerted once), then handled in
    the claiming transaction. A failure rolls the claims back for the sweep."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = _claim_request_events(request_id, now)
        if not claimed:
            return 0
        events = Event.objects.filter(pk__in=claimed).order_by("seq")
        for event in events.select_related(*EVENT_RELATED):
            handle_event(event, now)
    return len(claimed)


def _claim_request_events(request_id: int, now: datetime) -> list[int]:
    """Set `alerted` on the request's unalerted events; the ids this statement moved.

    UPDATE ... RETURNING (PostgreSQL; SQLite since 3.35) in one statement; without
    RETURNING, a conditional update per event tells which ones this call moved.
    """
    pending = Event.objects.filter(request_id=request_id, alerted__isnull=True)
    if not connection.features.can_return_columns_from_insert:
        ids = list(pending.values_list("pk", flat=True))
        return [
            pk
            for pk in ids
            if Event.objects.filter(pk=pk, alerted__isnull=True).update(alerted=now)
        ]
    q = connection.ops.quote_name
    table = q(Event._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {q('alerted')} = %s "
            f"WHERE {q('request_id')} = %s AND {q('alerted')} IS NULL RETURNING {q('id')}",
            [Event._meta.get_field("alerted").get_db_prep_value(now, connection), request_id],
        )
        return [int(row[0]) for row in cursor.fetchall()]


def alert_event(event: Event, now: datetime | None = None) -> int:
    """Alerts of one desk event (opened, assigned, customer reply, status), once."""
    now = now or timezone.now()
    name = EVENT_KINDS.get(event.kind)
    if name is None:
        return 0
    request = event.request
    if event.recorded - event.at > FRESH:
        return 0  # imported history: recorded, not sent
    if name == "request.assigned" and not event.to:
        return 0
    context = {"what": request.subject, "event": event}
    return send(name, request, key=f"e{event.pk}", at=event.at, now=now, context=context)
