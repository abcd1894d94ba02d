"""Admin: support addresses and IMAP sources are read-only here (the desk's pages edit them).

An administrator sees quarantined messages with the reason and can retry
them (the `retry` action runs the pipeline again) or download the raw bytes.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html

from accord.accounts.actor import staff
from accord.audit.readonly import ReadOnlyAdmin
from accord.contracts.models import Organization
from accord.errors import DeskError
from accord.intake.models import (
    HoldingOrganization,
    ImapSource,
    RawMessage,
    SupportAddress,
    SupportLine,
    UnverifiedContact,
    VoiceCall,
)


@admin.register(SupportAddress)
class SupportAddressAdmin(ReadOnlyAdmin):
    """Read-only: addresses are edited under /manage/addresses/ (audited)."""

    list_display = ["email", "name", "policy", "level", "team", "is_default"]


@admin.register(SupportLine)
class SupportLineAdmin(ReadOnlyAdmin):
    """Read-only, secret never shown: lines are edited with `accord voice line` (audited)."""

    list_display = ["number", "name", "policy", "level", "team"]
    fields = ["number", "name", "policy", "level", "team", "created"]


@admin.register(VoiceCall)
class VoiceCallAdmin(ReadOnlyAdmin):
    """Calls and voicemails as the telephony system sent them, with their request."""

    list_display = ["call_id", "event", "caller", "to", "started_at", "request"]
    list_filter = ["event"]
    search_fields = ["call_id", "caller"]


@admin.register(ImapSource)
class ImapSourceAdmin(ReadOnlyAdmin):
    """Read-only, password never shown: sources are edited under /manage/imap/ (audited)."""

    list_display = [
        "name",
        "host",
        "username",
        "folders",
        "enabled",
        "next_fetch_at",
        "last_result",
    ]
    exclude = ["password"]


class LinkForm(forms.ModelForm):  # type: ignore[type-arg]
    link_to = forms.ModelChoiceField(
        queryset=Organization.objects.exclude(
            pk__in=HoldingOrganization.objects.values("organization")
        ),
        help_text="the customer organisation this sender belongs to; their open requests "
        "move there and have their scope decided again",
    )

    class Meta:
        model = UnverifiedContact
        fields: list[str] = []


@admin.register(UnverifiedContact)
class UnverifiedContactAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Unknown senders waiting for an agent; saving with an organisation links them."""

    list_display = ["contact", "created"]
    form = LinkForm
    readonly_fields = ["contact", "created"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        from accord.intake.services import link_sender

        try:
            moved = link_sender(
                staff(request.user),  # type: ignore[arg-type]
                contact=obj.contact_id,
                organization=form.cleaned_data["link_to"].pk,
            )
        except DeskError as exc:
            self.message_user(request, f"{exc.field}: {exc.message}", messages.ERROR)
            return
        self.message_user(
            request, f"linked; {len(moved)} open request(s) decided again", messages.INFO
        )


@admin.register(RawMessage)
class RawMessageAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["id", "received_at", "state", "sender", "subject", "request", "reason"]
    list_filter = ["state", "source", "automated"]
    search_fields = ["message_id", "sender", "subject", "sha256"]
    exclude = ["raw"]
    actions = ["retry_selected"]

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return [f.name for f in RawMessage._meta.fields if f.name != "raw"] + ["download"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="raw message")
    def download(self, obj: RawMessage) -> str:
        url = reverse("admin:intake_rawmessage_raw", args=[obj.pk])
        return format_html('<a href="{}">download ({} bytes)</a>', url, obj.size)

    def get_urls(self) -> list:  # type: ignore[type-arg]
        extra = [
            path(
                "<int:pk>/raw/",
                self.admin_site.admin_view(self.raw_view),
                name="intake_rawmessage_raw",
            )
        ]
        return extra + super().get_urls()

    def raw_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        row = RawMessage.objects.get(pk=pk)
        response = HttpResponse(bytes(row.raw), content_type="application/octet-stream")
        response["Content-Disposition"] = f'attachment; filename="message-{row.pk}.eml"'
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @admin.action(description="Process the selected quarantined messages again")
    def retry_selected(self, request: HttpRequest, queryset: QuerySet[RawMessage]) -> None:
        from accord.intake.pipeline import retry

        done = 0
        for row in queryset.filter(state=RawMessage.State.QUARANTINED):
            if retry(row.pk).state == RawMessage.State.PROCESSED:
                done += 1
        self.message_user(request, f"{done} message(s) processed", messages.INFO)
