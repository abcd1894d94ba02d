"""On-premises notices to the designated contact: the day-20 reminder to install a
delivered update (capella 4.4), and, when the vendor opts in, the news that a new
release has left an installation unsupported (capella 4.5).

The worker calls `queue_delivery_reminders(now)` on every pass. A delivery is
due once `remind_on` (received + the policy's `update_reminder_after`, 20 days
in capella.toml) has come in its organisation's zone and it is still not
installed. Its outbox row is keyed `delivery-reminder:<id>`, so two workers
racing on the same delivery make one mail; `reminded_at` is set and audited in
the same transaction. Without a designated contact with an email address the
reminder is recorded as not sent (the audit entry says why) and the delivery
shows on the organisation's installations section instead.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accord.accounts.actor import SYSTEM
from accord.audit.services import record
from accord.contracts.models import UpdateDelivery
from accord.contracts.releases import Unsupported, policy_day, unsupported_installations
from accord.intake.identity import mail_config, own_mail
from accord.intake.models import SupportAddress
from accord.notify.models import Outbox
from accord.sla import Policy

BATCH = 50


def _sender(policy: Policy) -> str:
    address = (
        SupportAddress.objects.filter(policy=policy.id).order_by("-is_default", "id").first()
        or SupportAddress.objects.filter(is_default=True).first()
    )
    if address is None:
        return mail_config().default_from
    return f"{address.name} <{address.email}>" if address.name else address.email


def _queue(delivery: UpdateDelivery, policy: Policy, to: str, now: datetime) -> Outbox:
    inst = delivery.installation
    rules = policy.spec.on_premises
    context = {
        "delivery": delivery,
        "organization": inst.organization,
        "contact": inst.organization.designated_contact,
        "product": inst.product.name,
        "version": delivery.release.version,
        "installed": inst.release.version,
        "received_on": delivery.received_on,
        "due_on": delivery.late_on - timedelta(days=1) if delivery.late_on else None,
        "clause": rules.update_install_clause if rules else "",
    }
    subject = f"Reminder: please install {inst.product.name} {delivery.release.version}"
    key = f"delivery-reminder:{delivery.pk}"
    return _notice(key, policy, to, subject, "delivery_reminder", context, now)


def _notice(
    key: str,
    policy: Policy,
    to: str,
    subject: str,
    template: str,
    context: dict[str, Any],
    now: datetime,
) -> Outbox:
    """An automated notice that belongs to no request, once per `key` (UNIQUE)."""
    return Outbox.objects.create(
        request=None,
        notice_key=key,
        kind=Outbox.Kind.NOTICE,
        automated=True,
        from_email=_sender(policy),
        to_email=to,
        subject=subject,
        message_id=own_mail().make_message_id(),
        body_text=render_to_string(f"notify/{template}.txt", context).strip() + "\n",
        body_html=render_to_string(f"notify/{template}.html", context),
        state=Outbox.State.QUEUED,
        next_attempt_at=now,
        created=now,
    )


def queue_delivery_reminders(now: datetime | None = None) -> int:
    """Queue the reminders that have come due; returns how many deliveries were handled."""
    now = now or timezone.now()
    done = 0
    with transaction.atomic():
        due = (
            UpdateDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                installed_on__isnull=True,
                reminded_at__isnull=True,
                remind_on__lte=now.date() + timedelta(days=1),
            )
            .select_related(
                "installation__organization__designated_contact",
                "installation__product",
                "installation__release",
                "release",
            )
            .order_by("remind_on", "id")[:BATCH]
        )
        for delivery in due:
            org = delivery.installation.organization
            policy, today = policy_day(org, now)
            if delivery.remind_on is None or delivery.remind_on > today:
                continue
            contact = org.designated_contact
            to = contact.email.strip().lower() if contact is not None else ""
            row = _queue(delivery, policy, to, now) if to else None
            delivery.reminded_at = now
            delivery.save(update_fields=["reminded_at"])
            record(
                SYSTEM,
                "delivery.reminder",
                delivery,
                now,
                to=to,
                outbox=row.pk if row else None,
                sent=row is not None,
                why="" if row else "no designated contact with an email address",
            )
            done += 1
    return done


# How often a worker looks for installations to tell (the lists are computed per
# installation, so not on every pass); a new worker process looks at once.
UNSUPPORTED_EVERY = 600.0
_unsupported_checked: float | None = None


def queue_unsupported_notices(now: datetime | None = None, *, force: bool = False) -> int:
    """With ACCORD_TELL_UNSUPPORTED, one mail per installation and release it runs, to
    the designated contact, once a release going generally available leaves that
    release out of the supported window (capella 4.5); returns how many were queued.

    Keyed `unsupported:<installation>:<release>` in the outbox, so two workers, or the
    same installation found again, make one mail; moving to another release and
    falling out again makes a new one. Without a designated contact with an email
    address nothing is sent: the vendor's list (`accord release unsupported`, the
    late-installations page) still shows it.
    """
    global _unsupported_checked
    if not getattr(settings, "ACCORD_TELL_UNSUPPORTED", False):
        return 0
    clock = time.monotonic()
    if (
        not force
        and _unsupported_checked is not None
        and clock - _unsupported_checked < UNSUPPORTED_EVERY
    ):
        return 0
    _unsupported_checked = clock
    now = now or timezone.now()
    queued = 0
    for found in unsupported_installations(now):
        inst = found.installation
        contact = inst.organization.designated_contact
        to = contact.email.strip().lower() if contact is not None else ""
        key = f"unsupported:{inst.pk}:{inst.release_id}"
        if not to or Outbox.objects.filter(notice_key=key).exists():
            continue
        try:
            with transaction.atomic():
                row = _queue_unsupported(found, key, to, now)
                record(SYSTEM, "installation.told_unsupported", inst, now, to=to, outbox=row.pk)
        except IntegrityError:  # another worker queued it first
            continue
        queued += 1
    return queued


def _queue_unsupported(found: Unsupported, key: str, to: str, now: datetime) -> Outbox:
    inst = found.installation
    policy, _ = policy_day(inst.organization, now)
    rules = policy.spec.on_premises
    context = {
        "organization": inst.organization,
        "contact": inst.organization.designated_contact,
        "product": inst.product.name,
        "installed": inst.release.version,
        "supported": [r.version for r in found.supported],
        "clause": rules.supported_releases_clause if rules else "",
    }
    subject = f"{inst.product.name} {inst.release.version} is no longer supported"
    return _notice(key, policy, to, subject, "unsupported", context, now)
