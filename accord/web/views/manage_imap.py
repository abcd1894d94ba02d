"""Administration › IMAP sources: the mailboxes the worker polls (admins only).

The password field is write-only: it is never rendered back (not even masked
characters of it), the list shows only that one is set, and saving an edit
with the field empty keeps the stored one. "Test connection" logs in with the
saved settings (accord.intake.imap_sources.check_connection).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accord.errors import DeskError
from accord.intake.imap_sources import SourceInput, check_connection, save_source
from accord.intake.models import ImapSource, SupportAddress
from accord.web.access import actor_for, admin_required
from accord.web.contract_forms import put_error
from accord.web.views.common import page_context


class ImapForm(forms.Form):
    name = forms.CharField(max_length=50, help_text="names the mailbox in stored messages")
    host = forms.CharField(max_length=200)
    port = forms.IntegerField(initial=993)
    security = forms.ChoiceField(choices=ImapSource.Security.choices)
    username = forms.CharField(max_length=200)
    password = forms.CharField(
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    folders = forms.CharField(max_length=500, initial="INBOX", help_text="comma-separated")
    after_store = forms.ChoiceField(
        choices=ImapSource.AfterStore.choices, label="After storing a message"
    )
    flag = forms.CharField(max_length=50, initial="$Accord", help_text="the keyword set on it")
    address = forms.ChoiceField(
        choices=[], required=False, help_text="for mail whose recipients name no support address"
    )
    interval_seconds = forms.IntegerField(initial=60, label="Poll every (seconds)")
    enabled = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["address"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "(none)")] + [
            (a.email, a.email) for a in SupportAddress.objects.order_by("email")
        ]
        # The form partial shows labels, not help texts: the rule goes in the label.
        self.fields["password"].label = (
            "Password (stored, never shown: leave empty to keep it)"
            if editing
            else "Password (stored, never shown again)"
        )

    def source_input(self) -> SourceInput:
        return SourceInput(**self.cleaned_data)


def _render(request: HttpRequest, template: str, status: int = 200, **ctx: Any) -> HttpResponse:
    ctx = page_context(request, section="web/manage/imap.html", **ctx)
    return render(request, template, ctx, status=status)


def _list(request: HttpRequest, form: ImapForm, status: int = 200) -> HttpResponse:
    rows = ImapSource.objects.select_related("address").order_by("name")
    return _render(request, "web/manage/imap.html", status, rows=rows, form=form)


@admin_required
def sources(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _list(request, ImapForm())
    form = ImapForm(request.POST)
    if not form.is_valid():
        return _list(request, form, status=422)
    try:
        row = save_source(actor_for(request), form.source_input())
    except DeskError as exc:
        put_error(form, exc.field, exc.message)
        return _list(request, form, status=exc.status)
    return redirect("web:manage-imap-source", pk=row.pk)


def _source(pk: int) -> ImapSource:
    row = ImapSource.objects.select_related("address").filter(pk=pk).first()
    if row is None:
        raise Http404("no such IMAP source")
    return row


def _edit(
    request: HttpRequest, row: ImapSource, form: ImapForm, status: int = 200, **ctx: Any
) -> HttpResponse:
    return _render(request, "web/manage/imap_source.html", status, row=row, form=form, **ctx)


@admin_required
def source(request: HttpRequest, pk: int) -> HttpResponse:
    row = _source(pk)
    if request.method != "POST":
        initial = {f: getattr(row, f) for f in ImapForm.base_fields if f != "password"}
        initial["address"] = row.address.email if row.address else ""
        return _edit(request, row, ImapForm(initial=initial, editing=True))
    form = ImapForm(request.POST, editing=True)
    if form.is_valid():
        try:
            save_source(actor_for(request), form.source_input(), pk=row.pk)
        except DeskError as exc:
            put_error(form, exc.field, exc.message)
        else:
            return redirect("web:manage-imap-source", pk=row.pk)
    return _edit(request, row, form, status=422)


@admin_required
@require_POST
def test_connection(request: HttpRequest, pk: int) -> HttpResponse:
    row = _source(pk)
    result = check_connection(actor_for(request), row.pk)
    initial = {f: getattr(row, f) for f in ImapForm.base_fields if f != "password"}
    initial["address"] = row.address.email if row.address else ""
    form = ImapForm(initial=initial, editing=True)
    return _edit(request, row, form, result=result)
