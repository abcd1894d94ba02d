"""Admin: the outbox, read-only (the worker changes it)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from accord.notify.models import Outbox


@admin.register(Outbox)
class OutboxAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["id", "created", "kind", "to_email", "subject", "state", "attempts", "reason"]
    list_filter = ["state", "kind"]
    search_fields = ["to_email", "subject", "message_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
