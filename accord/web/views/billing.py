"""Billing in the desk: a request's time and expenses, an organisation's billing, invoices.

Pages are staff-only; each POST parses one form and calls one service, and a
refusal comes back as the page with the error next to the named field (4xx).
Times typed into the forms are read in the request's policy zone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accord.accounts.actor import Actor
from accord.accounts.permissions import BILLING
from accord.contracts.models import Organization
from accord.errors import DeskError
from accord.invoices import export
from accord.invoices import services as invoices
from accord.invoices.models import Invoice
from accord.tickets import billing, expenses, restructure
from accord.tickets.models import ExpenseEvidence, Request, Scope
from accord.tickets.queries import find_request
from accord.tickets.targets import policy_of
from accord.web import billing_forms as bf
from accord.web.access import actor_for, permission_required, staff_required
from accord.web.views.common import page_context
from accord.web.views.releases import installations_section

Run = Callable[[Actor, Request, forms.Form, HttpRequest], object]


def _users() -> list[tuple[str, str]]:
    users = get_user_model().objects.filter(agent__isnull=False, is_active=True)
    return [(u.get_username(), u.get_username()) for u in users.order_by("username")]


FORMS: dict[str, type[forms.Form]] = {
    "expense": bf.ExpenseForm,
    "accept": bf.AcceptanceForm,
    "approval": bf.ApprovalForm,
    "evidence": bf.EvidenceForm,
    "override": bf.OverrideForm,
}


def _forms(data: Any = None, files: Any = None, only: str = "") -> dict[str, forms.Form]:
    """Every form of the page, unbound but for the one that was posted (`only`)."""

    def args(name: str) -> dict[str, Any]:
        if name != only:
            return {"prefix": name}
        return {"data": data, "files": files, "prefix": name}

    made: dict[str, forms.Form] = {"time": bf.TimeForm(users=_users(), **args("time"))}
    made.update({name: cls(**args(name)) for name, cls in FORMS.items()})
    return made


def _accepts_charge(req: Request) -> bool:
    policy = policy_of(req)
    rule = next((r for r in policy.spec.entitlement.rules if req.contact.role in r.roles), None)
    return (
        rule is not None
        and rule.basis == "per_incident"
        and req.scope == Scope.NOT_ENTITLED
        and not hasattr(req, "per_incident_agreement")
    )


def _request_page(
    request: HttpRequest, req: Request, formset: dict[str, forms.Form], status: int = 200
) -> HttpResponse:
    policy = policy_of(req)
    summary = billing.summary(req)
    waiting = {item["id"]: item["why"] for item in summary["expenses_not_invoiceable"]}
    rows = [
        {"expense": e, "why": waiting.get(e.pk, []), "files": list(e.evidence_files.all())}
        for e in req.expenses.prefetch_related("evidence_files", "billed").order_by("incurred_on")
    ]
    ctx = {
        "req": req,
        "zone": str(policy.zone),
        "entries": req.time_entries.select_related("user").prefetch_related("billed"),
        "expense_rows": rows,
        "summary": summary,
        "forms": formset,
        "accepts_charge": _accepts_charge(req),
        "agreement": getattr(req, "per_incident_agreement", None),
        "is_manager": billing.is_manager(actor_for(request)),
    }
    with timezone.override(policy.zone):  # times shown in the policy's zone, as the hint says
        return render(
            request, "web/request_billing.html", page_context(request, **ctx), status=status
        )


def _find(request: HttpRequest, number: str) -> Request:
    try:
        return find_request(actor_for(request), number)
    except DeskError:
        raise Http404(f"no request {number}") from None


@staff_required
def request_billing(request: HttpRequest, number: str) -> HttpResponse:
    return _request_page(request, _find(request, number), _forms())


def _pk(request: HttpRequest, name: str) -> int:
    value = request.POST.get(name, "")
    if not value.isdigit():
        raise Http404(f"no {name}")
    return int(value)


ACTIONS: dict[str, Run] = {
    "time": lambda a, r, f, h: billing.log_time(a, r.number, **f.service_args()),  # type: ignore[attr-defined]
    "expense": lambda a, r, f, h: expenses.record_expense(a, r.number, **f.cleaned_data),
    "approval": lambda a, r, f, h: expenses.approve_expense(a, _pk(h, "expense"), **f.cleaned_data),
    "evidence": lambda a, r, f, h: expenses.attach_evidence(
        a, _pk(h, "expense"), f.cleaned_data["file"]
    ),
    "override": lambda a, r, f, h: billing.override_billable(a, _pk(h, "entry"), **f.cleaned_data),
    "accept": lambda a, r, f, h: restructure.accept_per_incident(a, r.number, **f.cleaned_data),
}


@require_POST
@staff_required
def request_billing_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    run = ACTIONS.get(action)
    if run is None:
        raise Http404(f"no action {action!r}")
    req = _find(request, number)
    with timezone.override(policy_of(req).zone):
        formset = _forms(request.POST, request.FILES, only=action)
        form = formset[action]
        if form.is_valid():
            try:
                run(actor_for(request), req, form, request)
            except DeskError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                return _request_page(request, req, formset, status=exc.status)
            return redirect("web:request-billing", number=req.display_number)
    return _request_page(request, req, formset, status=422)


@staff_required
def evidence_file(request: HttpRequest, evidence_id: int) -> HttpResponse:
    found = get_object_or_404(ExpenseEvidence, pk=evidence_id)
    return FileResponse(  # type: ignore[return-value]  # a streaming response is fine here
        found.file.open("rb"),
        as_attachment=True,
        filename=found.filename,
        content_type=found.content_type,
    )


def _org_page(
    request: HttpRequest, org: Organization, draft: forms.Form, status: int = 200
) -> HttpResponse:
    now = timezone.now()
    requests = Request.objects.filter(organization=org)
    entries = (
        billing.TimeEntry.objects.filter(request__in=requests, billable=True)
        .select_related("request", "user")
        .prefetch_related("billed")
        .order_by("-at")[:200]
    )
    expense_rows = []
    for e in (
        expenses.Expense.objects.filter(request__in=requests)
        .select_related("request")
        .prefetch_related("evidence_files", "billed")
        .order_by("-incurred_on")[:200]
    ):
        why = expenses.blockers(e, policy_of(e.request), "")
        state = (
            "invoiced"
            if any(i.active for i in e.billed.all())
            else (
                "awaiting approval"
                if any("approval" in w for w in why)
                else "awaiting evidence"
                if any("evidence" in w for w in why)
                else "approved"
            )
        )
        expense_rows.append({"expense": e, "why": why, "state": state})
    ctx = {
        "org": org,
        "entries": entries,
        "expense_rows": expense_rows,
        "invoices": invoices.list_invoices(actor_for(request), org.pk),
        "draft_form": draft,
        **installations_section(org, now),
    }
    return render(request, "web/org_billing.html", page_context(request, **ctx), status=status)


@permission_required(BILLING)
def org_billing(request: HttpRequest, org_id: int) -> HttpResponse:
    org = get_object_or_404(Organization, pk=org_id)
    if request.method != "POST":
        return _org_page(request, org, bf.DraftForm())
    form = bf.DraftForm(request.POST)
    if form.is_valid():
        try:
            invoice = invoices.create_draft(
                actor_for(request), organization=org.pk, **form.cleaned_data
            )
        except DeskError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return _org_page(request, org, form, status=exc.status)
        return redirect("web:invoice", invoice_id=invoice.pk)
    return _org_page(request, org, form, status=422)


def _invoice_page(
    request: HttpRequest, invoice: Invoice, credit: forms.Form, error: str = "", status: int = 200
) -> HttpResponse:
    ctx = {
        "invoice": invoice,
        "data": export.as_json(invoice),
        "credit_form": credit,
        "error": error,
    }
    return render(request, "web/invoice.html", page_context(request, **ctx), status=status)


@permission_required(BILLING)
def invoice_page(request: HttpRequest, invoice_id: int) -> HttpResponse:
    return _invoice_page(request, _invoice(request, invoice_id), bf.CreditForm())


def _invoice(request: HttpRequest, invoice_id: int) -> Invoice:
    try:
        return invoices.get_invoice(actor_for(request), invoice_id)
    except DeskError:
        raise Http404(f"no invoice {invoice_id}") from None


@require_POST
@permission_required(BILLING)
def invoice_action(request: HttpRequest, invoice_id: int, action: str) -> HttpResponse:
    invoice = _invoice(request, invoice_id)
    actor = actor_for(request)
    credit = bf.CreditForm(request.POST if action == "credit" else None)
    try:
        if action == "issue":
            invoices.issue(actor, invoice.pk)
        elif action == "credit":
            if not credit.is_valid():
                return _invoice_page(request, invoice, credit, status=422)
            note = invoices.credit(actor, invoice.pk, **credit.cleaned_data)
            return redirect("web:invoice", invoice_id=note.pk)
        else:
            raise Http404(f"no action {action!r}")
    except DeskError as exc:
        return _invoice_page(
            request,
            _invoice(request, invoice_id),
            credit,
            f"{exc.field}: {exc.message}",
            exc.status,
        )
    return redirect("web:invoice", invoice_id=invoice.pk)


@permission_required(BILLING)
def invoice_download(request: HttpRequest, invoice_id: int, fmt: str) -> HttpResponse:
    invoice = _invoice(request, invoice_id)
    if fmt == "csv":
        body: bytes | str = export.as_csv(invoice)
        content_type = "text/csv; charset=utf-8"
    elif fmt == "pdf":
        body, content_type = export.as_pdf(invoice), "application/pdf"
    else:
        raise Http404(f"no format {fmt!r}")
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{invoice}.{fmt}"'
    return response
