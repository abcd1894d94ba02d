"""Admin: the outbox, read-only (the worker changes it; resend: /manage/outbox/)."""

from __future__ import annotations

from django.contrib import admin

from accord.audit.readonly import ReadOnlyAdmin
from accord.notify.models import Outbox


@admin.register(Outbox)
class OutboxAdmin(ReadOnlyAdmin):
    list_display = ["id", "created", "kind", "to_email", "subject", "state", "attempts", "reason"]
    list_filter = ["state", "kind"]
    search_fields = ["to_email", "subject", "message_id"]
