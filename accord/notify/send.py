"""Delivering claimed outbox rows, with exponential backoff on temporary failures.

A row is delivered only by whoever claimed it (state `sending`, see
accord.worker.claim); the outcome is written with a conditional UPDATE on
that state, so a row whose lease expired and was claimed by another worker
is not overwritten. Delivery is at least once: a worker killed after the
server accepted a mail but before recording it will send it again. Webhook
deliveries (`WebhookDelivery`) go through the same `finish` with the same
states and backoff.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.db.models import F
from django.utils import timezone

from accord.notify.models import Outbox, WebhookDelivery
from accord.notify.transport import PermanentError, TemporaryError, Transport

BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)
MAX_ATTEMPTS = 12


def backoff(attempts: int) -> timedelta:
    """Delay before attempt `attempts + 1`: 1, 2, 4, ... minutes, at most 6 hours."""
    return min(BACKOFF_FIRST * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def deliver(row: Outbox, transport: Transport, now: datetime | None = None) -> str:
    """Send one claimed outbox row; returns the state it ends in."""
    return finish(row, lambda: transport.send(row), now)


def finish(row: Outbox | WebhookDelivery, send: Callable[[], object], now: datetime | None) -> str:
    """Run `send` for a claimed row (mail or webhook) and record the outcome on it."""
    mine = type(row).objects.filter(pk=row.pk, state=Outbox.State.SENDING)  # type: ignore[attr-defined]
    extra: dict[str, object] = {}
    try:
        result = send()
    except PermanentError as exc:
        now = now or timezone.now()
        mine.update(
            state=Outbox.State.FAILED,
            reason=str(exc)[:2000],
            attempts=F("attempts") + 1,
            lease_until=None,
        )
        return Outbox.State.FAILED
    except TemporaryError as exc:
        now = now or timezone.now()
        attempts = row.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            mine.update(
                state=Outbox.State.FAILED,
                reason=f"gave up after {attempts} attempts: {exc}"[:2000],
                attempts=attempts,
                lease_until=None,
            )
            return Outbox.State.FAILED
        mine.update(
            state=Outbox.State.QUEUED,
            reason=str(exc)[:2000],
            attempts=attempts,
            next_attempt_at=now + backoff(attempts),
            lease_until=None,
        )
        return Outbox.State.QUEUED
    except Exception as exc:  # the row cannot be turned into mail: retrying will not help
        mine.update(
            state=Outbox.State.FAILED,
            reason=f"cannot send: {type(exc).__name__}: {exc}"[:2000],
            attempts=F("attempts") + 1,
            lease_until=None,
        )
        return Outbox.State.FAILED
    if isinstance(row, WebhookDelivery) and isinstance(result, int):
        extra["status_code"] = result
    now = now or timezone.now()
    mine.update(
        state=Outbox.State.SENT,
        sent_at=now,
        attempts=F("attempts") + 1,
        reason="",
        lease_until=None,
        next_attempt_at=None,
        **extra,
    )
    return Outbox.State.SENT
