"""The audit trail in the admin: read-only."""

from django.contrib import admin

from accord.audit.models import AuditEntry
from accord.audit.readonly import ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
