"""Connecting the outbox to the desk's on-commit signals (accord.tickets.signals).

The receivers run after the service's transaction committed. A failure here
must not break the service that already committed, so it is logged and left
to the worker's sweep, which creates any missing row later.
"""

from __future__ import annotations

import logging
from typing import Any

from accord.tickets import signals

logger = logging.getLogger(__name__)


def on_request_opened(
    sender: Any, request_id: int, acknowledgement_queued: bool = False, **kwargs: Any
) -> None:
    from accord.notify.queue import enqueue_message

    if acknowledgement_queued:  # the service queued it in its own transaction
        return
    from accord.tickets.models import Message

    try:
        missing = Message.objects.filter(
            request_id=request_id,
            direction=Message.Direction.OUTBOUND,
            automated=True,
            outbox__isnull=True,
        )
        for message_id in missing.values_list("pk", flat=True):
            enqueue_message(message_id)
    except Exception:
        logger.exception("could not queue the acknowledgement of request %s", request_id)


def on_message_added(sender: Any, message_id: int, **kwargs: Any) -> None:
    from accord.notify.queue import enqueue_message

    try:
        enqueue_message(message_id)
    except Exception:
        logger.exception("could not queue mail for message %s", message_id)


def on_desk_event(sender: Any, request_id: int, **kwargs: Any) -> None:
    """Staff alerts, webhooks and customer status mail for the request's fresh desk events.

    Each is keyed by the event's id, so a repeat (another signal for the same
    request) queues nothing twice.
    """
    from datetime import timedelta

    from django.utils import timezone

    from accord.notify.alerts import EVENT_KINDS, alert_event
    from accord.notify.customer import status_notice
    from accord.tickets.models import Event

    now = timezone.now()
    try:
        fresh = Event.objects.filter(
            request_id=request_id, kind__in=EVENT_KINDS, recorded__gte=now - timedelta(minutes=5)
        ).select_related(
            "request__organization", "request__assignee", "request__team", "request__contact"
        )
        for event in fresh.order_by("seq"):
            alert_event(event, now)
            status_notice(event, now)
    except Exception:
        logger.exception("could not queue the alerts of request %s", request_id)


def connect() -> None:
    signals.request_opened.connect(on_request_opened, dispatch_uid="notify.request_opened")
    signals.message_added.connect(on_message_added, dispatch_uid="notify.message_added")
    for signal, name in (
        (signals.request_opened, "opened"),
        (signals.message_added, "message"),
        (signals.request_changed, "changed"),
    ):
        signal.connect(on_desk_event, dispatch_uid=f"notify.alerts.{name}")
