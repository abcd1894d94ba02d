"""Organisation and contact pages (staff), late installations, linking a sender."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accord.contracts.models import Contact, Organization
from accord.errors import DeskError
from accord.intake.models import HoldingOrganization, UnverifiedContact
from accord.intake.services import confirm_sender, link_sender
from accord.tickets.models import Request
from accord.web import organizations as read
from accord.web.access import actor_for, agent_of, is_admin, staff_required
from accord.web.views.common import page_context


def edit_url(request: HttpRequest, name: str, pk: int) -> str:
    """The admin page that edits the object, for admins (the contracts permission)."""
    return reverse(name, args=[pk]) if is_admin(agent_of(request)) else ""


def _org(pk: int) -> Organization:
    org = Organization.objects.select_related("designated_contact").filter(pk=pk).first()
    if org is None:
        raise Http404("no such organisation")
    return org


@require_GET
@staff_required
def organization_page(request: HttpRequest, org_id: int) -> HttpResponse:
    now = timezone.now()
    org = _org(org_id)
    today = read.today_of(org, now)
    requests = Request.objects.filter(organization=org)
    ctx = {
        "org": org,
        "today": today,
        "entitlements": read.entitlements(org, today),
        "installations": read.installations(org, today),
        "contacts": read.contacts(org),
        "lines": read.request_lines(requests, now),
        "request_count": requests.count(),
        "edit_url": edit_url(request, "web:organization-edit", org.pk),
        "holding": HoldingOrganization.objects.filter(organization=org).exists(),
    }
    return render(request, "web/organization.html", page_context(request, **ctx))


class LinkForm(forms.Form):
    organization = forms.ChoiceField()

    def __init__(self, *args: object, contact: Contact, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        holding = HoldingOrganization.objects.values_list("organization_id", flat=True)
        orgs = (
            Organization.objects.exclude(pk__in=holding)
            .exclude(pk=contact.organization_id)
            .filter(policy=contact.organization.policy, deactivated__isnull=True)
        )
        field = self.fields["organization"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "(choose the organisation)")] + [
            (str(o.pk), o.name) for o in orgs.order_by("name")
        ]


def _contact_page(
    request: HttpRequest, contact: Contact, form: LinkForm | None = None, status: int = 200
) -> HttpResponse:
    now = timezone.now()
    unverified = UnverifiedContact.objects.filter(contact=contact).exists()
    holding = HoldingOrganization.objects.filter(organization=contact.organization).exists()
    ctx = {
        # Matched by mail domain (accord.intake.route): confirmed rather than linked.
        "by_domain": contact.email.rpartition("@")[2] if unverified and not holding else "",
        "contact": contact,
        "org": contact.organization,
        "unverified": unverified,
        "link_form": form or (LinkForm(contact=contact) if unverified else None),
        "lines": read.request_lines(Request.objects.filter(contact=contact), now, limit=200),
        "designated": contact.organization.designated_contact_id == contact.pk,
        "edit_url": edit_url(request, "web:contact-edit", contact.pk),
    }
    return render(request, "web/contact.html", page_context(request, **ctx), status=status)


def _contact(pk: int) -> Contact:
    contact = Contact.objects.select_related("organization").filter(pk=pk).first()
    if contact is None:
        raise Http404("no such contact")
    return contact


@require_GET
@staff_required
def contact_page(request: HttpRequest, contact_id: int) -> HttpResponse:
    return _contact_page(request, _contact(contact_id))


@require_POST
@staff_required
def link_contact(request: HttpRequest, contact_id: int) -> HttpResponse:
    """Link an unknown sender or caller to the organisation they belong to."""
    contact = _contact(contact_id)
    form = LinkForm(request.POST, contact=contact)
    if not form.is_valid():
        return _contact_page(request, contact, form, status=422)
    try:
        link_sender(
            actor_for(request),
            contact=contact.pk,
            organization=int(form.cleaned_data["organization"]),
        )
    except DeskError as exc:
        form.add_error("organization" if exc.field == "organization" else None, exc.message)
        return _contact_page(request, contact, form, status=exc.status)
    return redirect("web:contact", contact_id=contact.pk)


@require_POST
@staff_required
def confirm_contact(request: HttpRequest, contact_id: int) -> HttpResponse:
    """Confirm a sender matched to an organisation by their mail domain."""
    contact = _contact(contact_id)
    try:
        confirm_sender(actor_for(request), contact=contact.pk)
    except DeskError as exc:
        form = LinkForm(contact=contact)
        form.add_error(None, exc.message)
        return _contact_page(request, contact, form, status=exc.status)
    return redirect("web:contact", contact_id=contact.pk)


@require_GET
@staff_required
def late_installations(request: HttpRequest) -> HttpResponse:
    rows = read.late_installations(timezone.now())
    return render(request, "web/late_installations.html", page_context(request, rows=rows))
