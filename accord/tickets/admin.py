"""Admin views of requests with their log; read-only, since only services change state."""

from django.contrib import admin
from django.http import HttpRequest

from accord.tickets.models import Event, Message, Request, SlaTarget


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class TargetInline(ReadOnlyInline):
    model = SlaTarget
    fields = ["kind", "state", "due", "met_at", "breached_at", "clause"]


class MessageInline(ReadOnlyInline):
    model = Message
    fields = ["at", "direction", "public", "automated", "channel", "body_text"]


class EventInline(ReadOnlyInline):
    model = Event
    fields = ["seq", "at", "kind", "to", "actor"]


@admin.register(Request)
class RequestAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["number", "subject", "organization", "level", "status", "scope", "received"]
    list_filter = ["policy", "status", "scope", "level"]
    search_fields = ["subject", "number"]
    inlines = [TargetInline, MessageInline, EventInline]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
