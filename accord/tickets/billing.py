"""Billable time and expenses: capsure per-incident support, capella 2.2/2.3 and 4.6.

Time is billable when the policy says the request's situation is paid for:
an accepted per-incident agreement (capsure), or a customer-caused error or
exception recorded by an agent (capella 2.2, 2.3). The rate and currency are
copied onto each entry, so a later rate change never rewrites past invoices.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from accord.accounts.actor import Actor
from accord.audit.services import record
from accord.errors import Invalid
from accord.sla import Policy
from accord.tickets import log
from accord.tickets.actions import require_staff
from accord.tickets.intake import text
from accord.tickets.models import Expense, Request, Scope, TimeEntry
from accord.tickets.queries import find_request
from accord.tickets.targets import policy_of
from accord.timing import resolve_instant


@dataclass(frozen=True)
class Billing:
    billable: bool
    hourly_rate: Decimal | None = None
    currency: str = ""
    clause: str = ""


def billing_for(request: Request, policy: Policy) -> Billing:
    """Whether time on this request is billable now, and at what rate."""
    if request.scope == Scope.CUSTOMER_CAUSED:
        wanted = "customer_caused"
    elif hasattr(request, "per_incident_agreement"):
        agreement = request.per_incident_agreement
        return Billing(True, agreement.hourly_rate, agreement.currency, agreement.clause)
    else:
        return Billing(False)
    rule = next((b for b in policy.spec.billing if wanted in b.applies_to), None)
    if rule is None:
        return Billing(False)
    return Billing(True, Decimal(rule.hourly_rate), rule.currency, rule.clause)


@transaction.atomic
def log_time(
    actor: Actor,
    number: str | int,
    *,
    minutes: int,
    note: str,
    at: datetime | None = None,
    now: datetime | None = None,
) -> TimeEntry:
    now = now or timezone.now()
    request = find_request(actor, number, for_update=True)
    require_staff(actor)
    if not 0 < minutes <= 24 * 60:
        raise Invalid("minutes", "between 1 and 1440")
    at = resolve_instant(actor, at, now, "at")
    terms = billing_for(request, policy_of(request))
    assert actor.user is not None  # staff
    entry = TimeEntry.objects.create(
        request=request,
        user=actor.user,
        minutes=minutes,
        note=text(note, "note", 500),
        billable=terms.billable,
        hourly_rate=terms.hourly_rate,
        currency=terms.currency,
        clause=terms.clause,
        at=at,
    )
    log.append(
        request, "time", at=now, actor=actor, now=now, minutes=minutes, billable=terms.billable
    )
    record(actor, "request.time", request, now, minutes=minutes, billable=terms.billable)
    return entry


@transaction.atomic
def record_expense(
    actor: Actor,
    number: str | int,
    *,
    kind: str,
    description: str,
    amount: Decimal,
    incurred_on: date,
    approved_by: str = "",
    approved_on: date | None = None,
    evidence: str = "",
    now: datetime | None = None,
) -> Expense:
    """capella 4.6: supplies and other costs need the customer's approval in advance."""
    now = now or timezone.now()
    request = find_request(actor, number, for_update=True)
    require_staff(actor)
    policy = policy_of(request)
    rules = policy.spec.on_premises
    rule = next((e for e in rules.expenses if e.kind == kind), None) if rules else None
    if rule is None:
        known = ", ".join(e.kind for e in rules.expenses) if rules else "none under this policy"
        raise Invalid("kind", f"expected an expense kind of the policy ({known})")
    if not amount.is_finite() or amount <= 0 or amount >= Decimal("1e10"):
        raise Invalid("amount", "a positive amount below 10,000,000,000")
    if amount != amount.quantize(Decimal("0.01")):
        raise Invalid("amount", "at most two decimal places")
    if rule.needs_advance_approval and (
        approved_on is None or not approved_by.strip() or approved_on > incurred_on
    ):
        raise Invalid(
            "approved_on",
            f"{kind} needs the customer's approval before it is incurred ({rule.clause})",
        )
    billing = next((b for b in policy.spec.billing if b.plus_expenses), None)
    expense = Expense.objects.create(
        request=request,
        kind=kind,
        description=text(description, "description", 500),
        amount=amount,
        currency=billing.currency if billing else "",
        incurred_on=incurred_on,
        approved_by=approved_by.strip(),
        approved_on=approved_on,
        evidence=evidence.strip(),
        clause=rule.clause,
        recorded=now,
    )
    log.append(request, "expense", at=now, actor=actor, now=now, expense=kind, amount=str(amount))
    record(actor, "request.expense", request, now, kind=kind, amount=str(amount))
    return expense


def summary(request: Request) -> dict[str, Any]:
    """Billable hours and amounts, and expenses that cannot be invoiced yet (no evidence)."""
    policy = policy_of(request)
    rules = policy.spec.on_premises
    needs_evidence = (
        {e.kind for e in rules.expenses if e.needs_written_evidence} if rules else set()
    )
    billable = [t for t in request.time_entries.all() if t.billable]
    time_amount = sum(
        (Decimal(t.minutes) / 60 * (t.hourly_rate or 0) for t in billable), Decimal(0)
    )
    expenses = list(request.expenses.all())
    ready = [e for e in expenses if e.evidence or e.kind not in needs_evidence]
    return {
        "billable_minutes": sum(t.minutes for t in billable),
        "time_amount": str(time_amount.quantize(Decimal("0.01"))),
        "currency": billable[0].currency
        if billable
        else (expenses[0].currency if expenses else ""),
        "expenses_invoiceable": str(sum((e.amount for e in ready), Decimal(0))),
        "expenses_awaiting_evidence": [e.pk for e in expenses if e not in ready],
    }
