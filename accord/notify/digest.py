"""Alert digests: a user who chose one gets one mail per period instead of one per alert.

Meant for managers: a mass breach (a holiday weekend, an outage) is 300 alerts;
with a digest it is one mail listing them. An alert for such a user is held as a
`DigestItem` under the alert's own unique key (so it is held once, like the mail
it replaces); the worker's `send_digests` mails a user's held items once the
oldest has waited ACCORD_ALERT_DIGEST_MINUTES (60), so the first alert of a
burst opens the period and everything until its end goes in one mail. Pages are
never held: a page must reach someone now.

Exactly once: the items and the digest mail (outbox key `digest:<user>:<first
item>`) are written in one transaction that claims the items by a conditional
update (SKIP LOCKED on PostgreSQL, one writer at a time on SQLite).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accord.intake.identity import mail_config, own_mail
from accord.notify.models import DigestItem, Outbox
from accord.tickets.models import Request


def wants_digest(user: User) -> bool:
    chosen = getattr(user, "alert_settings", None)
    return chosen is not None and chosen.digest


def window() -> timedelta:
    return timedelta(minutes=settings.ACCORD_ALERTS.digest_minutes)


def hold(user: User, key: str, event: str, request: Request, line: str, now: datetime) -> None:
    """Keep one alert for the user's next digest, once per `key`."""
    if DigestItem.objects.filter(key=key).exists():
        return
    DigestItem.objects.create(
        user=user, key=key, request=request, event=event, line=line[:400], at=now
    )


def send_digests(now: datetime | None = None) -> int:
    """Queue the digest mail of every user whose oldest held alert has waited a period."""
    now = now or timezone.now()
    due = DigestItem.objects.filter(outbox__isnull=True, at__lte=now - window())
    made = 0
    for user_id in sorted(set(due.values_list("user_id", flat=True))):
        if _send_one(user_id, now):
            made += 1
    return made


def _send_one(user_id: int, now: datetime) -> bool:
    with transaction.atomic():
        rows = DigestItem.objects.filter(user_id=user_id, outbox__isnull=True).order_by("at", "id")
        if connection.vendor == "postgresql":
            rows = rows.select_for_update(skip_locked=True, of=("self",))
        items = list(rows.select_related("user", "request"))
        if not items or items[0].at > now - window():
            return False  # another worker took them
        user = items[0].user
        counts = Counter(i.event for i in items)
        context = {"user": user, "items": items, "counts": sorted(counts.items())}
        subject = f"Accord digest: {len(items)} alert{'s' if len(items) != 1 else ''}"
        if counts.get("sla.breached"):
            subject += f", {counts['sla.breached']} breached"
        row = Outbox.objects.create(
            notice_key=f"digest:{user_id}:{items[0].pk}",
            kind=Outbox.Kind.ALERT,
            automated=True,
            from_email=f"Accord <{mail_config().default_from}>",
            to_email=user.email.strip().lower(),
            subject=subject,
            message_id=own_mail().make_message_id(),
            body_text=render_to_string("notify/digest.txt", context).strip() + "\n",
            body_html=render_to_string("notify/digest.html", context),
            state=Outbox.State.QUEUED if user.email else Outbox.State.SUPPRESSED,
            reason="" if user.email else "the user has no alert address",
            next_attempt_at=now,
            created=now,
        )
        DigestItem.objects.filter(pk__in=[i.pk for i in items], outbox__isnull=True).update(
            outbox=row
        )
    return True
