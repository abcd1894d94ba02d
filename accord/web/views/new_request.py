"""`/requests/new/`: an agent opens a request for a caller (accord.web.new_request)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accord.contracts.models import Contact
from accord.contracts.phones import e164, region_of_policy
from accord.errors import DeskError
from accord.intake.calls import open_for_caller
from accord.sla import Policy, load_policy
from accord.tickets.intake import open_request
from accord.web.access import actor_for, staff_required
from accord.web.new_request import (
    CallerForm,
    NewRequestForm,
    contact_with_number,
    find_contacts,
    levels_shown,
)
from accord.web.views.common import page_context


@staff_required
def new_request(request: HttpRequest) -> HttpResponse:
    """Step one (who) without `contact` or `caller`; step two (the request) with one."""
    source = request.POST if request.method == "POST" else request.GET
    if source.get("contact"):
        return _for_contact(request, source.get("contact", ""))
    if source.get("caller"):
        return _for_caller(request)
    # `who`, not `q`: the top bar's search box shows `q` as its own.
    who = request.GET.get("who", "").strip()
    return _render(
        request,
        step="who",
        who=who,
        matches=list(find_contacts(who)) if who else None,
        caller_form=CallerForm(),
    )


def _for_contact(request: HttpRequest, contact_id: str) -> HttpResponse:
    contact = (
        Contact.objects.select_related("organization").filter(pk=contact_id).first()
        if contact_id.isdigit()
        else None
    )
    if contact is None:
        raise Http404("no such contact")
    policy = load_policy(contact.organization.policy)
    form = NewRequestForm(request.POST or None, policy=policy)
    if request.method == "POST" and form.is_valid():
        try:
            created = open_request(
                actor_for(request), contact=contact, now=timezone.now(), **form.service_fields()
            )
        except DeskError as exc:
            _refuse(form, exc)
        else:
            return redirect("web:request", number=created.display_number)
    return _form_page(request, form, policy, contact=contact)


def _for_caller(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    caller = CallerForm(source)
    if not caller.is_valid():
        return _render(request, step="who", who="", matches=None, caller_form=caller, status=422)
    data = caller.cleaned_data
    # A number some contact already has: that contact's form, not a new caller.
    number = e164(data["caller_phone"], region_of_policy(data["policy"]))
    if data["caller_phone"].strip() and not number:
        caller.add_error("caller_phone", f"{data['caller_phone']!r} is not a phone number")
        return _render(request, step="who", who="", matches=None, caller_form=caller, status=422)
    known = contact_with_number(number)
    if known is not None and request.method == "GET":
        return redirect(reverse("web:request-new") + f"?contact={known.pk}")
    policy = load_policy(data["policy"])
    form = NewRequestForm(request.POST or None, policy=policy)
    if request.method == "POST" and form.is_valid():
        try:
            created = open_for_caller(
                actor_for(request),
                phone=data["caller_phone"],
                name=data["caller_name"],
                policy=data["policy"],
                **form.service_fields(),
            )
        except DeskError as exc:
            _refuse(form, exc)
        else:
            return redirect("web:request", number=created.display_number)
    return _form_page(request, form, policy, caller=data)


def _refuse(form: NewRequestForm, exc: DeskError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message if field else f"{exc.field}: {exc.message}")
    form.refused_status = exc.status  # type: ignore[attr-defined]


def _form_page(
    request: HttpRequest, form: NewRequestForm, policy: Policy, **who: Any
) -> HttpResponse:
    status = 200
    if form.is_bound and form.errors:
        status = getattr(form, "refused_status", 422)
    return _render(
        request,
        step="request",
        form=form,
        policy=policy,
        policy_name=policy.spec.policy.name,
        zone=str(policy.zone),
        levels=levels_shown(policy),
        exclusions=list(policy.spec.exclusions),
        status=status,
        **who,
    )


def _render(request: HttpRequest, *, status: int = 200, **ctx: Any) -> HttpResponse:
    return render(request, "web/new_request.html", page_context(request, **ctx), status=status)
