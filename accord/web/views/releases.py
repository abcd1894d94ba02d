"""The vendor's on-premises page: releases, late updates, unsupported installations.

`installations_section(org, now)` is the context of the partial
`web/partials/installations.html`, for the organisation page to include.
Changes go through accord.contracts.releases like the API's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accord.contracts import releases as lifecycle
from accord.contracts.models import Installation, Organization, Release, ReleaseStatus
from accord.errors import DeskError
from accord.web.access import actor_for, staff_required
from accord.web.views.common import page_context


class ReleaseForm(forms.Form):
    product = forms.CharField(max_length=100)
    version = forms.CharField(max_length=40)
    available = forms.DateField(
        label="Generally available on", widget=forms.DateInput(attrs={"type": "date"})
    )


def installations_section(org: Organization, now: datetime) -> dict[str, Any]:
    """One organisation's installations with history, deliveries and support state."""
    unsupported = {u.installation.pk: u for u in lifecycle.unsupported_installations(now)}
    rows = []
    for inst in (
        Installation.objects.filter(organization=org)
        .select_related("product", "release")
        .prefetch_related("history__release", "deliveries__release")
    ):
        rows.append(
            {
                "installation": inst,
                "unsupported": unsupported.get(inst.pk),
                "history": list(inst.history.all()),
                "deliveries": sorted(inst.deliveries.all(), key=lambda d: d.received_on),
            }
        )
    return {"installations": rows}


def _page(request: HttpRequest, form: ReleaseForm, status: int = 200) -> HttpResponse:
    now = timezone.now()
    releases = Release.objects.select_related("product").order_by("product__name")
    by_product: dict[str, list[Release]] = {}
    for rel in releases:
        by_product.setdefault(rel.product.name, []).append(rel)
    products: list[dict[str, object]] = []
    for name, rels in by_product.items():
        rels.sort(key=lambda r: lifecycle.version_key(r.version), reverse=True)
        products.append({"name": name, "releases": rels})
    ctx = {
        "form": form,
        "products": products,
        "late": lifecycle.late_deliveries(),
        "unsupported": lifecycle.unsupported_installations(now),
        "statuses": ReleaseStatus,
    }
    return render(request, "web/releases.html", page_context(request, **ctx), status=status)


@staff_required
def releases_page(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, ReleaseForm())
    form = ReleaseForm(request.POST)
    if form.is_valid():
        try:
            lifecycle.add_release(
                actor_for(request),
                product=form.cleaned_data["product"],
                version=form.cleaned_data["version"],
                released_on=form.cleaned_data["available"],
            )
        except DeskError as exc:
            field = "available" if exc.field in ("released_on", "status") else exc.field
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            return redirect("web:releases")
    return _page(request, form, status=422)


@staff_required
@require_POST
def release_status(request: HttpRequest, release_id: int) -> HttpResponse:
    try:
        lifecycle.edit_release(actor_for(request), release_id, status=request.POST.get("status"))
    except DeskError as exc:
        form = ReleaseForm()
        form.add_error(None, f"{exc.field}: {exc.message}")
        return _page(request, form, status=exc.status)
    return redirect("web:releases")
