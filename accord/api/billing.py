"""Billable time, expenses and invoices (staff only).

Time and expenses live on requests (`/requests/{n}/time`, `/expenses`);
approval and evidence files may be added to an expense later. Invoices are
drafted per organisation and period, issued (numbered, frozen) and credited.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Router, Schema
from ninja import Status as HttpStatus
from ninja.files import UploadedFile

from accord.accounts.permissions import WORK, require
from accord.api.auth import actor_of
from accord.api.schemas import ErrorOut, Instant
from accord.invoices import export
from accord.invoices import services as invoices
from accord.tickets import billing, expenses
from accord.tickets.queries import find_request

router = Router(tags=["billing"])
ERRORS = {code: ErrorOut for code in (401, 403, 404, 409, 422)}


class TimeIn(Schema):
    note: str
    minutes: int | None = None
    started: Instant | None = None
    ended: Instant | None = None
    at: Instant | None = None
    user: str | None = None
    billable: bool | None = None
    reason: str = ""


class OverrideIn(Schema):
    billable: bool
    reason: str


class TimeOut(Schema):
    id: int
    minutes: int
    billable: bool
    hourly_rate: Decimal | None
    currency: str
    clause: str
    billable_overridden: bool
    override_reason: str


class ExpenseIn(Schema):
    kind: str
    description: str
    amount: Decimal
    incurred_on: date
    currency: str = ""
    approved_by: str = ""
    approved_on: date | None = None
    evidence: str = ""


class ApprovalIn(Schema):
    approved_by: str
    approved_on: date


class ExpenseOut(Schema):
    id: int
    kind: str
    amount: Decimal
    currency: str
    clause: str
    approved_by: str
    approved_on: date | None


class EvidenceOut(Schema):
    id: int
    expense: int
    filename: str
    content_type: str
    size: int


class NotInvoiceableOut(Schema):
    id: int
    why: list[str]


class BillingOut(Schema):
    billable_minutes: int
    time_amount: str
    currency: str
    expenses_invoiceable: str
    expenses_awaiting_evidence: list[int]
    expenses_not_invoiceable: list[NotInvoiceableOut]


class DraftIn(Schema):
    organization: int
    period_start: date
    period_end: date


class CreditIn(Schema):
    reason: str


class LineOut(Schema):
    position: int
    kind: str
    request: str
    description: str
    clause: str
    minutes: int | None
    hourly_rate: Decimal | None
    amount: Decimal
    currency: str


class InvoiceOut(Schema):
    id: int
    number: str | None
    kind: str
    status: str
    organization: int
    organization_name: str
    vendor: str
    period_start: date
    period_end: date
    currency: str
    issued_at: Instant | None
    credits: str | None
    reason: str
    lines: list[LineOut]
    time_total: Decimal
    expenses_total: Decimal
    total: Decimal
    not_invoiceable: list[dict[str, Any]]


@router.post("/requests/{number}/time", response={201: TimeOut, **ERRORS})
def log_time(request: HttpRequest, number: str, payload: TimeIn):
    """Minutes, or a start and an end (rounded to the minute); `billable` is a manager's override."""
    entry = billing.log_time(actor_of(request), number, **payload.dict())
    return HttpStatus(201, entry)


@router.post("/time/{entry_id}/billable", response={200: TimeOut, **ERRORS})
def override_billable(request: HttpRequest, entry_id: int, payload: OverrideIn):
    """A manager makes logged time billable or not, with a reason."""
    return billing.override_billable(actor_of(request), entry_id, **payload.dict())


@router.post("/requests/{number}/expenses", response={201: ExpenseOut, **ERRORS})
def record_expense(request: HttpRequest, number: str, payload: ExpenseIn):
    expense = expenses.record_expense(actor_of(request), number, **payload.dict())
    return HttpStatus(201, expense)


@router.post("/expenses/{expense_id}/approval", response={200: ExpenseOut, **ERRORS})
def approve_expense(request: HttpRequest, expense_id: int, payload: ApprovalIn):
    """The customer's approval: who, and on which day (in advance is what counts)."""
    return expenses.approve_expense(actor_of(request), expense_id, **payload.dict())


@router.post("/expenses/{expense_id}/evidence", response={201: EvidenceOut, **ERRORS})
def attach_evidence(request: HttpRequest, expense_id: int, file: File[UploadedFile]):
    """A receipt scan or PDF (multipart field `file`), at any time after the expense."""
    evidence = expenses.attach_evidence(actor_of(request), expense_id, file)
    return HttpStatus(201, {**evidence.__dict__, "expense": evidence.expense_id})


@router.get("/requests/{number}/billing", response={200: BillingOut, **ERRORS})
def billing_summary(request: HttpRequest, number: str):
    actor = actor_of(request)
    found = find_request(actor, number)
    require(actor, WORK)  # what an agent bills on the request they work (docs/roles.md)
    return billing.summary(found)


@router.post("/invoices", response={201: InvoiceOut, **ERRORS})
def create_draft(request: HttpRequest, payload: DraftIn):
    """A draft for the organisation and period (replacing an earlier draft of the same period)."""
    invoice = invoices.create_draft(actor_of(request), **payload.dict())
    return HttpStatus(201, export.as_json(invoice))


@router.get("/invoices", response={200: list[InvoiceOut], **ERRORS})
def list_invoices(request: HttpRequest, organization: int | None = None):
    found = invoices.list_invoices(actor_of(request), organization)
    return [export.as_json(i) for i in found]


@router.get("/invoices/{invoice_id}", response={200: InvoiceOut, **ERRORS})
def get_invoice(request: HttpRequest, invoice_id: int):
    return export.as_json(invoices.get_invoice(actor_of(request), invoice_id))


@router.post("/invoices/{invoice_id}/issue", response={200: InvoiceOut, **ERRORS})
def issue(request: HttpRequest, invoice_id: int):
    """Number the draft (gapless per year), freeze its lines, mark their work invoiced."""
    return export.as_json(invoices.issue(actor_of(request), invoice_id))


@router.post("/invoices/{invoice_id}/credit", response={201: InvoiceOut, **ERRORS})
def credit(request: HttpRequest, invoice_id: int, payload: CreditIn):
    """A credit note reversing an issued invoice."""
    note = invoices.credit(actor_of(request), invoice_id, **payload.dict())
    return HttpStatus(201, export.as_json(note))


def _download(body: bytes | str, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get("/invoices/{invoice_id}/csv", response={200: None, **ERRORS})
def invoice_csv(request: HttpRequest, invoice_id: int):
    """One row per line, for accounting import."""
    invoice = invoices.get_invoice(actor_of(request), invoice_id)
    return _download(export.as_csv(invoice), "text/csv; charset=utf-8", f"{invoice}.csv")


@router.get("/invoices/{invoice_id}/pdf", response={200: None, **ERRORS})
def invoice_pdf(request: HttpRequest, invoice_id: int):
    invoice = invoices.get_invoice(actor_of(request), invoice_id)
    return _download(export.as_pdf(invoice), "application/pdf", f"{invoice}.pdf")
