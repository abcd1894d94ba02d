"""capella 4.4: the day-20 reminder to install a delivered update, to the designated contact.

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

from datetime import datetime, timedelta

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accord.accounts.actor import SYSTEM
from accord.audit.services import record
from accord.contracts.models import UpdateDelivery
from accord.contracts.releases import policy_day
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
    return Outbox.objects.create(
        request=None,
        notice_key=f"delivery-reminder:{delivery.pk}",
        kind=Outbox.Kind.NOTICE,
        automated=True,
        from_email=_sender(policy),
        to_email=to,
        subject=f"Reminder: please install {inst.product.name} {delivery.release.version}",
        message_id=own_mail().make_message_id(),
        body_text=render_to_string("notify/delivery_reminder.txt", context).strip() + "\n",
        body_html=render_to_string("notify/delivery_reminder.html", context),
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
