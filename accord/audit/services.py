"""Writing the audit trail; callers are services, inside their transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models, transaction

from accord.accounts.actor import Actor
from accord.audit.models import AuditEntry


def record(actor: Actor, action: str, obj: models.Model, now: datetime, **data: Any) -> AuditEntry:
    """Append one audit row; must run inside the caller's atomic block."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must be called inside the service's transaction")
    return AuditEntry.objects.create(
        at=now,
        actor=actor.label,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        data=data,
    )
