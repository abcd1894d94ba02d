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
    """Staff alerts, webhooks, customer status mail and pages for the request's new events.

    Each event is claimed once (`Event.alerted`); what fails here is left to the
    worker's sweep (accord.notify.alerts.alert_events).
    """
    from accord.notify.alerts import alert_request_events

    try:
        alert_request_events(request_id)
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
