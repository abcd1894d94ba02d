"""Administration of customers: organisations, their domains, contacts, entitlements.

Admins only (the contracts permission, docs/roles.md). Every POST parses one
form and calls one service of accord.contracts (create, edit, deactivate); a
refusal comes back as the page with the error next to the field the service
named and nothing stored. Nothing is deleted but an email domain, which no
request points to: deactivating keeps every request, invoice and audit entry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accord.contracts import edits, services
from accord.contracts import releases as lifecycle
from accord.contracts.models import (
    Contact,
    EmailDomain,
    Entitlement,
    Hosting,
    Organization,
    UpdateDelivery,
)
from accord.errors import DeskError
from accord.web.access import actor_for, admin_required
from accord.web.contract_forms import (
    ContactForm,
    DeliveryForm,
    DomainForm,
    EntitlementForm,
    InstallationForm,
    InstalledForm,
    OrganizationForm,
    put_error,
)
from accord.web.views.common import page_context


def _render(request: HttpRequest, template: str, status: int = 200, **ctx: Any) -> HttpResponse:
    ctx = page_context(request, section="web/manage/organizations.html", **ctx)
    return render(request, template, ctx, status=status)


def _list_page(request: HttpRequest, form: OrganizationForm, status: int = 200) -> HttpResponse:
    rows = (
        Organization.objects.filter(holdingorganization__isnull=True)
        .annotate(people=Count("contacts"))
        .prefetch_related(Prefetch("email_domains", queryset=EmailDomain.objects.all()))
        .order_by("deactivated", "name")
    )
    return _render(request, "web/manage/organizations.html", status, rows=rows, form=form)


@admin_required
def organizations(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _list_page(request, OrganizationForm(initial={"hosting": "hosted"}))
    form = OrganizationForm(request.POST)
    if not form.is_valid():
        return _list_page(request, form, status=422)
    try:
        org = services.create_organization(actor_for(request), **form.cleaned_data)
    except DeskError as exc:
        put_error(form, exc.field, exc.message)
        return _list_page(request, form, status=exc.status)
    return redirect("web:organization-edit", org_id=org.pk)


def _org(org_id: int) -> Organization:
    return get_object_or_404(Organization, pk=org_id, holdingorganization__isnull=True)


def _org_page(
    request: HttpRequest, org: Organization, status: int = 200, **forms_: forms.Form
) -> HttpResponse:
    ctx = {
        "org": org,
        "form": forms_.get("form")
        or OrganizationForm(initial={"name": org.name, "hosting": org.hosting}, editing=True),
        "domain_form": forms_.get("domain_form") or DomainForm(),
        "contact_form": forms_.get("contact_form") or ContactForm(initial={"role": "user"}),
        "entitlement_form": forms_.get("entitlement_form") or EntitlementForm(),
        "domains": org.email_domains.all(),
        "contacts": org.contacts.order_by("deactivated", "name", "pk"),
        "entitlements": org.entitlements.order_by("deactivated", "-starts", "-pk"),
        "on_premises": org.hosting == Hosting.ON_PREMISES,
        "installations": org.installations.select_related("product", "release")
        .prefetch_related("deliveries__release")
        .order_by("product__name"),
        "installation_form": forms_.get("installation_form") or InstallationForm(),
        "delivery_form": forms_.get("delivery_form") or DeliveryForm(org=org),
        "installed_form": forms_.get("installed_form") or InstalledForm(),
    }
    return _render(request, "web/manage/organization.html", status, **ctx)


def _submit(
    request: HttpRequest,
    org: Organization,
    key: str,
    form: forms.Form,
    call: Callable[[dict[str, Any]], object],
) -> HttpResponse:
    """Parse `form`, call the service with its data; refused: the page with the error
    beside the field the service named (under `key` of the page's forms)."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except DeskError as exc:
            put_error(form, exc.field, exc.message)
            return _org_page(request, org, status=exc.status, **{key: form})
        return redirect("web:organization-edit", org_id=org.pk)
    return _org_page(request, org, status=422, **{key: form})


@admin_required
def organization_edit(request: HttpRequest, org_id: int) -> HttpResponse:
    org = _org(org_id)
    if request.method != "POST":
        return _org_page(request, org)
    form = OrganizationForm(request.POST, editing=True)
    if form.is_valid():
        try:
            edits.update_organization(actor_for(request), org.pk, **form.cleaned_data)
        except DeskError as exc:
            put_error(form, exc.field, exc.message)
        else:
            return redirect("web:organization-edit", org_id=org.pk)
    return _org_page(request, _org(org_id), status=422, form=form)


@admin_required
@require_POST
def organization_active(request: HttpRequest, org_id: int) -> HttpResponse:
    org = _org(org_id)
    edits.set_organization_active(actor_for(request), org.pk, request.POST.get("active") == "1")
    return redirect("web:organization-edit", org_id=org.pk)


@admin_required
@require_POST
def domain_add(request: HttpRequest, org_id: int) -> HttpResponse:
    org = _org(org_id)
    actor = actor_for(request)
    return _submit(
        request,
        org,
        "domain_form",
        DomainForm(request.POST),
        lambda data: edits.add_domain(actor, org.pk, data["domain"]),
    )


@admin_required
@require_POST
def domain_remove(request: HttpRequest, org_id: int) -> HttpResponse:
    org = _org(org_id)
    try:
        edits.remove_domain(actor_for(request), org.pk, request.POST.get("domain", ""))
    except DeskError as exc:
        form = DomainForm()
        put_error(form, exc.field, exc.message)
        return _org_page(request, org, status=exc.status, domain_form=form)
    return redirect("web:organization-edit", org_id=org.pk)


@admin_required
@require_POST
def contact_add(request: HttpRequest, org_id: int) -> HttpResponse:
    org = _org(org_id)
    actor = actor_for(request)
    return _submit(
        request,
        org,
        "contact_form",
        ContactForm(request.POST),
        lambda data: services.create_contact(actor, organization=org.pk, **data),
    )


@admin_required
@require_POST
def entitlement_add(request: HttpRequest, org_id: int) -> HttpResponse:
    org = _org(org_id)
    actor = actor_for(request)
    return _submit(
        request,
        org,
        "entitlement_form",
        EntitlementForm(request.POST),
        lambda data: services.create_entitlement(actor, organization=org.pk, **data),
    )


def _contact(contact_id: int) -> Contact:
    return get_object_or_404(Contact.objects.select_related("organization"), pk=contact_id)


def _edit(
    request: HttpRequest,
    obj: Contact | Entitlement,
    form_class: type[forms.Form],
    template: str,
    save: Callable[[dict[str, Any]], object],
) -> HttpResponse:
    """A contact's or an entitlement's edit page: GET shows the form filled in, POST
    calls `save` and goes back to the organisation, or shows the refusal."""
    org = obj.organization

    def page(form: forms.Form, status: int = 200) -> HttpResponse:
        return _render(request, template, status, obj=obj, org=org, form=form)

    if request.method != "POST":
        return page(form_class(initial={f: getattr(obj, f) for f in form_class.base_fields}))
    form = form_class(request.POST)
    if form.is_valid():
        try:
            save(form.cleaned_data)
        except DeskError as exc:
            put_error(form, exc.field, exc.message)
        else:
            return redirect("web:organization-edit", org_id=org.pk)
    return page(form, status=422)


@admin_required
def contact_edit(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = _contact(contact_id)
    actor = actor_for(request)
    return _edit(
        request,
        contact,
        ContactForm,
        "web/manage/contact.html",
        lambda data: edits.update_contact(actor, contact.pk, **data),
    )


@admin_required
@require_POST
def contact_active(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = _contact(contact_id)
    edits.set_contact_active(actor_for(request), contact.pk, request.POST.get("active") == "1")
    return redirect("web:organization-edit", org_id=contact.organization_id)


def _entitlement(entitlement_id: int) -> Entitlement:
    return get_object_or_404(Entitlement.objects.select_related("organization"), pk=entitlement_id)


@admin_required
def entitlement_edit(request: HttpRequest, entitlement_id: int) -> HttpResponse:
    ent = _entitlement(entitlement_id)
    actor = actor_for(request)
    return _edit(
        request,
        ent,
        EntitlementForm,
        "web/manage/entitlement.html",
        lambda data: edits.update_entitlement(actor, ent.pk, changes=data),
    )


@admin_required
@require_POST
def entitlement_active(request: HttpRequest, entitlement_id: int) -> HttpResponse:
    ent = _entitlement(entitlement_id)
    edits.set_entitlement_active(actor_for(request), ent.pk, request.POST.get("active") == "1")
    return redirect("web:organization-edit", org_id=ent.organization_id)


@admin_required
@require_POST
def installation_set(request: HttpRequest, org_id: int) -> HttpResponse:
    """Which release the on-premises customer runs (one per product), from a day."""
    org = _org(org_id)
    actor = actor_for(request)
    return _submit(
        request,
        org,
        "installation_form",
        InstallationForm(request.POST),
        lambda data: lifecycle.set_installation(
            actor, organization=org.pk, release=int(data["release"]), since=data["since"]
        ),
    )


@admin_required
@require_POST
def delivery_add(request: HttpRequest, org_id: int) -> HttpResponse:
    org = _org(org_id)
    actor = actor_for(request)
    return _submit(
        request,
        org,
        "delivery_form",
        DeliveryForm(request.POST, org=org),
        lambda data: lifecycle.record_delivery(
            actor,
            installation=int(data["installation"]),
            release=int(data["release"]),
            received_on=data["received_on"],
            installed_on=data["installed_on"],
        ),
    )


@admin_required
@require_POST
def delivery_installed(request: HttpRequest, delivery_id: int) -> HttpResponse:
    delivery = (
        UpdateDelivery.objects.select_related("installation__organization")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None:
        raise Http404("no such delivery")
    actor = actor_for(request)
    return _submit(
        request,
        delivery.installation.organization,
        "installed_form",
        InstalledForm(request.POST),
        lambda data: lifecycle.install_delivery(
            actor, delivery.pk, installed_on=data["installed_on"]
        ),
    )
