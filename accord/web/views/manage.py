"""The desk's own administration pages (admins only): support addresses, users, outbox.

Each POST parses a form and calls one service (accord.intake.addresses,
accord.accounts.services, accord.notify.resend); a refused value comes back as
the service's error next to the field it names, with nothing stored.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accord.accounts import services as accounts
from accord.accounts.models import Role
from accord.errors import DeskError
from accord.intake.addresses import save_address
from accord.intake.models import SupportAddress
from accord.notify.resend import resend, undelivered
from accord.sla.policy import shipped_policy_names
from accord.web.access import actor_for, admin_required
from accord.web.views.common import page_context


class AddressForm(forms.Form):
    email = forms.CharField(max_length=254)
    name = forms.CharField(max_length=100, label="Display name")
    policy = forms.ChoiceField(choices=[])
    level = forms.CharField(max_length=30, help_text="a level id of the policy, e.g. medium")
    team = forms.CharField(max_length=100, required=False)
    is_default = forms.BooleanField(required=False, label="Default (mail to unknown addresses)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["policy"].choices = [(p, p) for p in shipped_policy_names()]  # type: ignore[attr-defined]


def _render(request: HttpRequest, template: str, status: int = 200, **ctx: Any) -> HttpResponse:
    return render(request, template, page_context(request, section=template, **ctx), status=status)


def _address_page(
    request: HttpRequest, form: AddressForm, editing: SupportAddress | None, status: int = 200
) -> HttpResponse:
    rows = SupportAddress.objects.select_related("team").order_by("email")
    return _render(
        request, "web/manage/addresses.html", status, rows=rows, form=form, editing=editing
    )


@admin_required
def addresses(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    editing = get_object_or_404(SupportAddress, pk=pk) if pk is not None else None
    if request.method != "POST":
        initial = {}
        if editing is not None:
            initial = {
                "email": editing.email,
                "name": editing.name,
                "policy": editing.policy,
                "level": editing.level,
                "team": editing.team.name if editing.team else "",
                "is_default": editing.is_default,
            }
        return _address_page(request, AddressForm(initial=initial), editing)
    form = AddressForm(request.POST)
    if not form.is_valid():
        return _address_page(request, form, editing, status=400)
    data = form.cleaned_data
    if editing is not None and data["email"].strip().lower() != editing.email:
        form.add_error("email", "the address of a row cannot change; add a new row instead")
        return _address_page(request, form, editing, status=400)
    try:
        save_address(
            data["email"],
            name=data["name"],
            policy=data["policy"],
            level=data["level"],
            team=data["team"] or None,
            is_default=data["is_default"],
            actor=actor_for(request),
        )
    except DeskError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _address_page(request, form, editing, status=exc.status)
    return redirect("web:manage-addresses")


@admin_required
def users(request: HttpRequest) -> HttpResponse:
    return _render(request, "web/manage/users.html", rows=accounts.list_users(), roles=Role.choices)


@admin_required
@require_POST
def user_change(request: HttpRequest, name: str) -> HttpResponse:
    get_object_or_404(get_user_model(), username=name)
    actor = actor_for(request)
    try:
        if "role" in request.POST:
            accounts.set_role(name, request.POST["role"], actor=actor)
        elif "active" in request.POST:
            accounts.set_active(name, request.POST["active"] == "1", actor=actor)
    except DeskError as exc:
        return _render(
            request,
            "web/manage/users.html",
            status=exc.status,
            rows=accounts.list_users(),
            roles=Role.choices,
            error=exc,
        )
    return redirect("web:manage-users")


@admin_required
def outbox(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            resend(int(request.POST.get("id", "0")), actor=actor_for(request))
        except (DeskError, ValueError) as exc:
            error = exc if isinstance(exc, DeskError) else DeskError("id", "expected a number")
            return _render(
                request, "web/manage/outbox.html", status=400, rows=undelivered(), error=error
            )
        return redirect("web:manage-outbox")
    return _render(request, "web/manage/outbox.html", rows=undelivered())
