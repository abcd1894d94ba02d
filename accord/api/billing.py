"""Billable time and expenses on a request (staff only)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema
from ninja import Status as HttpStatus

from accord.accounts.permissions import WORK, require
from accord.api.auth import actor_of
from accord.api.schemas import ErrorOut, Instant
from accord.tickets import billing
from accord.tickets.queries import find_request

router = Router(tags=["billing"])
ERRORS = {code: ErrorOut for code in (401, 403, 404, 409, 422)}


class TimeIn(Schema):
    minutes: int
    note: str
    at: Instant | None = None


class TimeOut(Schema):
    id: int
    minutes: int
    billable: bool
    hourly_rate: Decimal | None
    currency: str
    clause: str


class ExpenseIn(Schema):
    kind: str
    description: str
    amount: Decimal
    incurred_on: date
    approved_by: str = ""
    approved_on: date | None = None
    evidence: str = ""


class ExpenseOut(Schema):
    id: int
    kind: str
    amount: Decimal
    currency: str
    clause: str


class BillingOut(Schema):
    billable_minutes: int
    time_amount: str
    currency: str
    expenses_invoiceable: str
    expenses_awaiting_evidence: list[int]


@router.post("/requests/{number}/time", response={201: TimeOut, **ERRORS})
def log_time(request: HttpRequest, number: str, payload: TimeIn):
    entry = billing.log_time(actor_of(request), number, **payload.dict())
    return HttpStatus(201, entry)


@router.post("/requests/{number}/expenses", response={201: ExpenseOut, **ERRORS})
def record_expense(request: HttpRequest, number: str, payload: ExpenseIn):
    expense = billing.record_expense(actor_of(request), number, **payload.dict())
    return HttpStatus(201, expense)


@router.get("/requests/{number}/billing", response={200: BillingOut, **ERRORS})
def billing_summary(request: HttpRequest, number: str):
    actor = actor_of(request)
    found = find_request(actor, number)
    require(actor, WORK)  # what an agent bills on the request they work (docs/roles.md)
    return billing.summary(found)
