"""Sending again what the outbox gave up on: failed, suppressed or bounced mail.

An agent or administrator decides this (the address was fixed, the cap was a
false alarm), so the row goes back to `queued` with a fresh attempt count and the
worker sends it on its next pass. The previous state and reason are kept in the
audit trail; the row's reason is cleared so the desk shows it as queued again.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accord.accounts.actor import SYSTEM, Actor
from accord.audit.services import record
from accord.errors import Conflict, NotFound
from accord.notify.models import Outbox

RESENDABLE = (Outbox.State.FAILED, Outbox.State.SUPPRESSED, Outbox.State.BOUNCED)


def undelivered() -> list[Outbox]:
    """Mail that was not delivered, newest first, for the desk and `accord mail outbox`."""
    return list(
        Outbox.objects.filter(state__in=RESENDABLE)
        .select_related("request")
        .order_by("-created", "-pk")
    )


@transaction.atomic
def resend(outbox_id: int, *, actor: Actor = SYSTEM, now: datetime | None = None) -> Outbox:
    now = now or timezone.now()
    row = Outbox.objects.select_for_update().filter(pk=outbox_id).first()
    if row is None:
        raise NotFound("id", f"no outbox mail {outbox_id}")
    if row.state not in RESENDABLE:
        raise Conflict(
            "id",
            f"mail {outbox_id} is {row.state}; only failed, suppressed or bounced mail is resent",
        )
    before, reason = row.state, row.reason
    row.state = Outbox.State.QUEUED
    row.reason = ""
    row.attempts = 0
    row.next_attempt_at = now
    row.lease_until = None
    row.save(update_fields=["state", "reason", "attempts", "next_attempt_at", "lease_until"])
    record(actor, "outbox.resend", row, now, previous_state=before, previous_reason=reason)
    return row
