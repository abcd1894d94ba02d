"""The worker's tasks; each does one batch of due work and returns how much it did.

- `send_outbox`: queued rows whose `next_attempt_at` has come (and rows stuck
  in `sending` past their lease, after a crash), sent through the transport.
- `process_pending_mail`: raw messages stored but not processed (a crash or a
  database failure between the two steps), after a grace period.
- `fetch_imap`: enabled IMAP sources whose `next_fetch_at` has come (all of
  them with `force`), leased so that one worker polls a source at a time.
- `record_sla`: warnings and breaches whose instant has come become transition
  rows, once (accord.tickets.sweep); `alert` queues their alerts
  (accord.notify.alerts); `send_webhooks` posts queued webhook deliveries.
- `digests`: one mail per user whose held alerts' period has ended.
- `escalate`: pages whose next rung is due (no acknowledgement in time), leased
  to this worker, each rung taken once (accord.notify.paging).
- `sweep_outbox`: fresh public outbound email messages without an outbox row
  (a receiver that failed after commit), queued now.
- `release_lifecycle`: announced releases whose date came become generally
  available, deliveries past day 30 are flagged late, and day-20 reminders
  are queued, and (ACCORD_TELL_UNSUPPORTED) designated contacts whose installation
  a new release left unsupported are told (accord/contracts/releases.py,
  accord/notify/reminders.py).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from django.db.models import Q
from django.utils import timezone

from accord.contracts import releases
from accord.intake.mail.imap import FetchResult, ImapAccount, fetch
from accord.intake.models import ImapSource, RawMessage
from accord.intake.pipeline import process, store_callback
from accord.notify.alerts import alert_events, alert_transitions
from accord.notify.digest import send_digests
from accord.notify.models import Outbox, Page, WebhookDelivery
from accord.notify.paging import take_rung
from accord.notify.queue import FRESH, enqueue_message
from accord.notify.reminders import queue_delivery_reminders, queue_unsupported_notices
from accord.notify.send import deliver, finish
from accord.notify.transport import Transport
from accord.notify.webhooks import post
from accord.reports.statement import send_monthly_statements
from accord.tickets.models import Channel, Message
from accord.tickets.sweep import record_due
from accord.worker.claim import M, claim

logger = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)
PENDING_GRACE = timedelta(seconds=30)
BATCH = 50


def send_outbox(
    transport: Transport | None, now: datetime | None = None, *, owner: str = ""
) -> int:
    if transport is None:
        return 0
    now = now or timezone.now()
    rows = claim_sending(Outbox, now, owner)
    for row in rows:
        deliver(row, transport)
    return len(rows)


def claim_sending(model: type[M], now: datetime, owner: str) -> list[M]:
    """Queued rows (outbox mail, webhook deliveries) whose attempt is due, and rows whose
    lease expired (their worker died), leased to `owner`."""
    due = Q(state=Outbox.State.QUEUED, next_attempt_at__lte=now) | Q(
        state=Outbox.State.SENDING, lease_until__lt=now
    )
    return claim(
        model,
        due,
        "next_attempt_at",
        BATCH,
        state=Outbox.State.SENDING,
        lease_until=now + LEASE,
        lease_owner=owner,
    )


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


def record_sla(now: datetime | None = None) -> int:
    """Warnings and breaches whose instant has come, recorded once (accord.tickets.sweep)."""
    return record_due(now or timezone.now())


def alert(now: datetime | None = None) -> int:
    """Transitions and desk events not yet alerted get their mail, deliveries and pages
    queued (the events' on-commit receiver usually came first)."""
    return alert_transitions(now) + alert_events(now)


def escalate(now: datetime | None = None) -> int:
    """Pages whose next rung is due: claimed (a lease, so two workers split them), then
    each rung taken under a conditional update (accord.notify.paging.climb)."""
    now = now or timezone.now()
    due = Q(next_at__lte=now) & (Q(lease_until__isnull=True) | Q(lease_until__lt=now))
    pages = claim(Page, due, "next_at", BATCH, lease_until=now + LEASE)
    return sum(1 for page in pages if take_rung(page.pk, now) is not None)


def digests(now: datetime | None = None) -> int:
    """Digest mails whose period has ended (accord.notify.digest)."""
    return send_digests(now)


def release_leases(owner: str, now: datetime | None = None) -> int:
    """Rows a worker of this id was sending when it died go back to the queue at once.

    A starting worker calls this with its own id: nobody else holds those rows
    (ids are unique per running worker), so they need not wait for the lease to
    expire. A row whose mail or POST went out just before the kill is sent again:
    delivery is at least once (docs/alerts.md).
    """
    if not owner:
        return 0
    now = now or timezone.now()
    released = 0
    for model in (Outbox, WebhookDelivery):
        released += model.objects.filter(  # type: ignore[attr-defined]
            state=Outbox.State.SENDING, lease_owner=owner
        ).update(state=Outbox.State.QUEUED, lease_until=None, next_attempt_at=now)
    return released


def send_webhooks(now: datetime | None = None, *, owner: str = "") -> int:
    now = now or timezone.now()
    rows = claim_sending(WebhookDelivery, now, owner)
    for row in rows:
        finish(row, partial(post, row), now)
    return len(rows)


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
    told = queue_unsupported_notices(now, force=done["promoted"] > 0)
    return done["promoted"] + done["late"] + queue_delivery_reminders(now) + told


def send_statements(transport: Transport | None, now: datetime | None = None) -> int:
    """Last month's SLA statement to each opted-in organisation, once (accord/reports)."""
    if transport is None:
        return 0
    return send_monthly_statements(now or timezone.now(), transport)
