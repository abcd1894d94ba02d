"""Admin views of requests with their messages, targets and log: read-only.

Only the tickets services change a request (numbered, acknowledged, logged and
audited): the admin has no add, change or delete form for a request or anything
inside one (issue 7: its "Add request" once made SR-5000 outside the counter,
with no acknowledgement and no event). Agents open requests from the desk's
New request page.
"""

from django.contrib import admin

from accord.audit.readonly import ReadOnlyAdmin, ReadOnlyInline
from accord.tickets.models import Event, Message, Request, SlaTarget


class TargetInline(ReadOnlyInline):
    model = SlaTarget
    fields = readonly_fields = ("kind", "state", "due", "met_at", "breached_at", "clause")


class MessageInline(ReadOnlyInline):
    model = Message
    fields = readonly_fields = ("at", "direction", "public", "automated", "channel", "body_text")


class EventInline(ReadOnlyInline):
    model = Event
    fields = readonly_fields = ("seq", "at", "kind", "to", "actor")


@admin.register(Request)
class RequestAdmin(ReadOnlyAdmin):
    list_display = ["number", "subject", "organization", "level", "status", "scope", "received"]
    list_filter = ["policy", "status", "scope", "level"]
    search_fields = ["subject", "number"]
    inlines = [TargetInline, MessageInline, EventInline]
