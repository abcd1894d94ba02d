"""The worker's tasks; each does one batch of due work and returns how much it did.

- `send_outbox`: queued rows whose `next_attempt_at` has come (and rows stuck
  in `sending` past their lease, after a crash), sent through the transport.
- `process_pending_mail`: raw messages stored but not processed (a crash or a
  database failure between the two steps), after a grace period.
- `fetch_imap`: enabled IMAP sources whose `next_fetch_at` has come (all of
  them with `force`), leased so that one worker polls a source at a time.
- `mark_breaches`: stored targets still `running` whose due has passed are
  recomputed (the engine then reports them breached), under the request lock.
- `sweep_outbox`: fresh public outbound email messages without an outbox row
  (a receiver that failed after commit), queued now.
- `release_lifecycle`: announced releases whose date came become generally
  available, deliveries past day 30 are flagged late, and day-20 reminders
  are queued (accord/contracts/releases.py, accord/notify/reminders.py).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accord.contracts import releases
from accord.intake.mail.imap import FetchResult, ImapAccount, fetch
from accord.intake.models import ImapSource, RawMessage
from accord.intake.pipeline import process, store_callback
from accord.notify.models import Outbox
from accord.notify.queue import FRESH, enqueue_message
from accord.notify.reminders import queue_delivery_reminders
from accord.notify.send import deliver
from accord.notify.transport import Transport
from accord.tickets.models import Channel, Message, Request, SlaTarget, TargetState
from accord.tickets.targets import store_targets
from accord.worker.claim import claim

logger = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)
PENDING_GRACE = timedelta(seconds=30)
BATCH = 50


def send_outbox(transport: Transport | None, now: datetime | None = None) -> int:
    if transport is None:
        return 0
    now = now or timezone.now()
    due = Q(state=Outbox.State.QUEUED, next_attempt_at__lte=now) | Q(
        state=Outbox.State.SENDING, lease_until__lt=now
    )
    rows = claim(
        Outbox, due, "next_attempt_at", BATCH, state=Outbox.State.SENDING, lease_until=now + LEASE
    )
    for row in rows:
        deliver(row, transport)
    return len(rows)


def process_pending_mail(now: datetime | None = None, grace: timedelta = PENDING_GRACE) -> int:
    now = now or timezone.now()
    ids = list(
        RawMessage.objects.filter(state=RawMessage.State.PENDING, received_at__lte=now - grace)
        .order_by("received_at")
        .values_list("pk", flat=True)[:BATCH]
    )
    done = 0
    for pk in ids:
        if process(pk).state != RawMessage.State.PENDING:
            done += 1
    return done


def account_for(source: ImapSource) -> ImapAccount:
    return ImapAccount(
        host=source.host,
        port=source.port,
        username=source.username,
        password=source.password,
        folders=source.folder_list(),
        mailbox=source.name,
        security=source.security,  # type: ignore[arg-type]
        after_store=source.after_store,  # type: ignore[arg-type]
        flag=source.flag,
    )


def fetch_source(source: ImapSource, now: datetime | None = None) -> FetchResult:
    """Poll one source (the caller holds its lease) and record the outcome on it."""
    now = now or timezone.now()
    result = fetch(account_for(source), store_callback, previous_uidvalidity=source.uidvalidity)
    seen = dict(source.uidvalidity)
    seen.update({f.folder: f.uidvalidity for f in result.folders if f.uidvalidity is not None})
    parts = [f"stored {result.stored}, failed {result.failed}"]
    if result.error:
        parts.append(result.error)
    parts += [f"{f.folder}: {f.error}" for f in result.folders if f.error]
    ImapSource.objects.filter(pk=source.pk).update(
        uidvalidity=seen,
        last_result=f"{now.isoformat()} " + "; ".join(parts),
        next_fetch_at=timezone.now() + timedelta(seconds=source.interval_seconds),
        lease_until=None,
    )
    return result


def fetch_due(
    now: datetime | None = None, *, force: bool = False, name: str | None = None
) -> list[tuple[str, FetchResult]]:
    """Poll the due (with `force`: all enabled) sources that no other worker holds."""
    now = now or timezone.now()
    due = Q(enabled=True) & (Q(lease_until__isnull=True) | Q(lease_until__lt=now))
    if not force:
        due &= Q(next_fetch_at__isnull=True) | Q(next_fetch_at__lte=now)
    if name is not None:
        due &= Q(name=name)
    return [
        (source.name, fetch_source(source, now))
        for source in claim(ImapSource, due, "id", BATCH, lease_until=now + LEASE)
    ]


def fetch_imap(now: datetime | None = None, *, force: bool = False) -> int:
    return sum(r.stored for _, r in fetch_due(now, force=force))


def mark_breaches(now: datetime | None = None) -> int:
    now = now or timezone.now()
    request_ids = list(
        SlaTarget.objects.filter(state=TargetState.RUNNING, due__lt=now)
        .order_by("due")
        .values_list("request_id", flat=True)
        .distinct()[:BATCH]
    )
    changed = 0
    for request_id in request_ids:
        with transaction.atomic():
            request = Request.objects.select_for_update().get(pk=request_id)
            store_targets(request, now)
        overdue = SlaTarget.objects.filter(
            request_id=request_id, state=TargetState.RUNNING, due__lt=now
        )
        if not overdue.exists():
            changed += 1
    return changed


def sweep_outbox(now: datetime | None = None) -> int:
    now = now or timezone.now()
    missing = (
        Message.objects.filter(
            direction=Message.Direction.OUTBOUND,
            public=True,
            channel=Channel.EMAIL,
            at__gte=now - FRESH,
            outbox__isnull=True,
        )
        .exclude(request__contact__email="")
        .order_by("id")
        .values_list("pk", flat=True)[:BATCH]
    )
    made = 0
    for pk in missing:
        if enqueue_message(pk, now) is not None:
            made += 1
    return made


def release_lifecycle(now: datetime | None = None) -> int:
    now = now or timezone.now()
    done = releases.sweep(now)
    return done["promoted"] + done["late"] + queue_delivery_reminders(now)
