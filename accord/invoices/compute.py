"""What a draft invoice holds: one line per request's billable time, one per invoiceable expense.

Time: the organisation's billable time entries worked in the period (local
dates of the policy's zone, both ends included) and not already billed,
grouped per request and rate; the line's clause is what made the time
billable (capsure per incident; capella 2.2 or the 2.3 cause), its rate the
one copied onto the entries from the policy version the request runs under.
Amount = minutes x rate / 60, rounded to the cent half up, per line; the total
is the sum of the lines.

Expenses: incurred in the period and not already billed. Each is a line if
`blockers` finds nothing; otherwise it is listed under the draft with why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from accord.contracts.models import Organization
from accord.sla import Policy, load_policy
from accord.tickets.billing import amount, rate_for
from accord.tickets.expenses import blockers
from accord.tickets.models import Expense, TimeEntry


@dataclass
class Line:
    kind: str
    request: Any
    description: str
    clause: str
    amount: Decimal
    currency: str
    minutes: int | None = None
    hourly_rate: Decimal | None = None
    time_entries: list[int] = field(default_factory=list)
    expense: Expense | None = None


@dataclass
class Draft:
    currency: str
    lines: list[Line]
    not_invoiceable: list[dict[str, Any]]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))


def hours(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d} h"


def _bounds(policy: Policy, start: date, end: date) -> tuple[datetime, datetime]:
    zone = policy.zone
    return (
        datetime.combine(start, time(0), zone),
        datetime.combine(end + timedelta(days=1), time(0), zone),
    )


def _time_lines(org: Organization, policy: Policy, start: date, end: date) -> list[Line]:
    lower, upper = _bounds(policy, start, end)
    entries = (
        TimeEntry.objects.filter(
            request__organization=org, billable=True, at__gte=lower, at__lt=upper
        )
        .exclude(billed__active=True)
        .select_related("request")
        .order_by("request__number", "at", "id")
    )
    groups: dict[tuple[int, Decimal, str, str], list[TimeEntry]] = {}
    for entry in entries:
        key = (entry.request.number, entry.hourly_rate or Decimal(0), entry.currency, entry.clause)
        groups.setdefault(key, []).append(entry)
    lines = []
    for (_, rate, currency, clause), group in groups.items():
        request = group[0].request
        minutes = sum(e.minutes for e in group)
        lines.append(
            Line(
                kind="time",
                request=request,
                description=f"{request.display_number} {request.subject}: {hours(minutes)} "
                f"at {currency} {rate}/h",
                clause=clause,
                amount=amount(minutes, rate),
                currency=currency,
                minutes=minutes,
                hourly_rate=rate,
                time_entries=[e.pk for e in group],
            )
        )
    return lines


def _expense_lines(
    org: Organization, policy: Policy, currency: str, start: date, end: date
) -> tuple[list[Line], list[dict[str, Any]]]:
    expenses = (
        Expense.objects.filter(
            request__organization=org, incurred_on__gte=start, incurred_on__lte=end
        )
        .exclude(billed__active=True)
        .select_related("request")
        .prefetch_related("evidence_files")
        .order_by("request__number", "incurred_on", "id")
    )
    lines: list[Line] = []
    waiting: list[dict[str, Any]] = []
    for e in expenses:
        label = f"{e.get_kind_display()}: {e.description} ({e.incurred_on})"
        why = blockers(e, load_policy(e.request.policy) if e.request.policy else policy, currency)
        if why:
            waiting.append(
                {
                    "request": e.request.display_number,
                    "expense": e.pk,
                    "description": label,
                    "amount": str(e.amount),
                    "currency": e.currency,
                    "why": why,
                }
            )
            continue
        lines.append(
            Line(
                kind="expense",
                request=e.request,
                description=f"{e.request.display_number} {label}",
                clause=e.clause,
                amount=e.amount,
                currency=e.currency,
                expense=e,
            )
        )
    return lines, waiting


def build(org: Organization, start: date, end: date) -> Draft:
    """The lines and the not-yet-invoiceable items of a draft for this period."""
    policy = load_policy(org.policy)
    currency = rate_for(policy, "").currency
    time_lines = _time_lines(org, policy, start, end)
    expense_lines, waiting = _expense_lines(org, policy, currency, start, end)
    stray = [line for line in time_lines if line.currency != currency]
    for line in stray:  # logged under another rate's currency: listed, never converted
        waiting.append(
            {
                "request": line.request.display_number,
                "expense": None,
                "description": line.description,
                "amount": str(line.amount),
                "currency": line.currency,
                "why": [f"time billed in {line.currency}; the invoice is in {currency}"],
            }
        )
    lines = [line for line in time_lines if line not in stray] + expense_lines
    lines.sort(key=lambda line: (line.request.number, line.kind != "time"))
    return Draft(currency, lines, waiting)
