"""Billable time: capsure per-incident support, capella 2.2/2.3 customer-caused errors.

Time is billable when the policy says the request's situation is paid for: an
accepted per-incident agreement (capsure), or a customer-caused error or
exception recorded by an agent (capella 2.2, 2.3). The scope decides when the
time is logged, so work done before the determination stays unbillable; a
manager may override either way with a reason. The rate, currency and clause
are copied onto each entry from the policy version the request runs under
(`[[billing]]` in the policy file, never from code), so a later rate change
never rewrites what was logged. Durations are whole minutes: a start/end pair
is rounded to the nearest minute (half up). Expenses are in
accord/tickets/expenses.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accord.accounts.actor import Actor
from accord.accounts.models import Agent, Role
from accord.audit.services import record
from accord.errors import Forbidden, Invalid, NotFound
from accord.sla import Policy
from accord.tickets import log
from accord.tickets.actions import require_staff
from accord.tickets.expenses import blockers
from accord.tickets.intake import text
from accord.tickets.models import Request, Scope, TimeEntry
from accord.tickets.queries import find_request
from accord.tickets.targets import policy_of
from accord.timing import require_aware

CENT = Decimal("0.01")
MAX_MINUTES = 24 * 60


@dataclass(frozen=True)
class Billing:
    billable: bool
    hourly_rate: Decimal | None = None
    currency: str = ""
    clause: str = ""


def billing_for(request: Request, policy: Policy) -> Billing:
    """Whether time on this request is billable now, at what rate, under which clause.

    The clause is what makes it billable: the per-incident agreement's (capsure),
    or the request's cause, 2.2 or the 2.3 exception (capella).
    """
    if request.scope == Scope.CUSTOMER_CAUSED:
        rule = next((b for b in policy.spec.billing if "customer_caused" in b.applies_to), None)
        if rule is None:
            return Billing(False)
        clause = request.scope_clause or rule.clause
        return Billing(True, Decimal(rule.hourly_rate), rule.currency, clause)
    if hasattr(request, "per_incident_agreement"):
        agreement = request.per_incident_agreement
        return Billing(True, agreement.hourly_rate, agreement.currency, agreement.clause)
    return Billing(False)


def rate_for(policy: Policy, currency: str) -> Billing:
    """The policy's first hourly rate (for a manager's override to billable)."""
    rule = next((b for b in policy.spec.billing if b.currency == currency), None) or next(
        iter(policy.spec.billing), None
    )
    if rule is None:
        return Billing(False)
    return Billing(True, Decimal(rule.hourly_rate), rule.currency, rule.clause)


def amount(minutes: int, rate: Decimal) -> Decimal:
    """Minutes at an hourly rate, rounded to the cent (half up)."""
    return (Decimal(minutes) * rate / 60).quantize(CENT, rounding=ROUND_HALF_UP)


def _minutes(minutes: int | None, started: datetime | None, ended: datetime | None) -> int:
    if started is not None or ended is not None:
        if started is None or ended is None:
            raise Invalid("ended" if started else "started", "give both start and end, or minutes")
        if ended <= started:
            raise Invalid("ended", "must be after the start")
        seconds = Decimal((ended - started).total_seconds())
        minutes = int((seconds / 60).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if minutes is None:
        raise Invalid("minutes", "give the minutes, or a start and an end")
    if not 0 < minutes <= MAX_MINUTES:
        raise Invalid("minutes", f"between 1 and {MAX_MINUTES}")
    return minutes


def _worked_at(
    request: Request,
    started: datetime | None,
    ended: datetime | None,
    at: datetime | None,
    now: datetime,
) -> datetime:
    """When the work was done. Timesheets are written after the fact, so any staff
    member may give a past start; never before the request arrived, never ahead."""
    field = "started" if started is not None else "at"
    when = started if started is not None else at
    if when is None:
        return now
    require_aware(when, field)
    if (ended or when) > now + timedelta(minutes=1):
        raise Invalid("ended" if ended else field, "must not be in the future")
    if when < request.received - timedelta(minutes=1):
        raise Invalid(field, f"before {request.display_number} was received")
    return when


def is_manager(actor: Actor) -> bool:
    if actor.user is None:
        return False
    agent = Agent.objects.filter(user=actor.user).first()
    return agent is not None and agent.role in (Role.MANAGER, Role.ADMIN)


def _worker(actor: Actor, user: str | int | None) -> Any:
    """Who did the work: another staff user by name or id, or the actor."""
    if user in (None, ""):
        return actor.user
    users = get_user_model().objects.filter(agent__isnull=False)
    found = (
        users.filter(pk=user).first()
        if isinstance(user, int) or str(user).isdigit()
        else users.filter(username=user).first()
    )
    if found is None:
        raise Invalid("user", f"no staff user {user}")
    return found


@transaction.atomic
def log_time(
    actor: Actor,
    number: str | int,
    *,
    note: str,
    minutes: int | None = None,
    started: datetime | None = None,
    ended: datetime | None = None,
    at: datetime | None = None,
    user: str | int | None = None,
    billable: bool | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> TimeEntry:
    """Time spent on a request; `billable` overrides the scope's answer (managers only)."""
    now = now or timezone.now()
    request = find_request(actor, number, for_update=True)
    require_staff(actor)
    minutes = _minutes(minutes, started, ended)
    at = _worked_at(request, started, ended, at, now)
    policy = policy_of(request)
    terms = billing_for(request, policy)
    overridden = billable is not None and billable != terms.billable
    if overridden:
        terms = _override(actor, policy, terms, bool(billable), reason)
    entry = TimeEntry.objects.create(
        request=request,
        user=_worker(actor, user),
        minutes=minutes,
        note=text(note, "note", 500),
        billable=terms.billable,
        hourly_rate=terms.hourly_rate,
        currency=terms.currency,
        clause=terms.clause,
        at=at,
        ended=ended,
        billable_overridden=overridden,
        override_reason=reason.strip() if overridden else "",
        override_by=actor.label if overridden else "",
        recorded=now,
    )
    log.append(
        request, "time", at=now, actor=actor, now=now, minutes=minutes, billable=terms.billable
    )
    record(
        actor,
        "request.time",
        request,
        now,
        entry=entry.pk,
        minutes=minutes,
        billable=terms.billable,
        overridden=overridden,
        reason=entry.override_reason,
    )
    return entry


def _override(actor: Actor, policy: Policy, terms: Billing, billable: bool, reason: str) -> Billing:
    if not is_manager(actor):
        raise Forbidden("billable", "only a manager may override whether time is billable")
    if not reason.strip():
        raise Invalid("reason", "a manager's override needs a reason")
    if not billable:
        return Billing(False)
    rate = rate_for(policy, terms.currency)
    if not rate.billable:
        raise Invalid("billable", f"the {policy.id} policy has no hourly rate")
    return Billing(True, rate.hourly_rate, rate.currency, f"{rate.clause} (manager's override)")


@transaction.atomic
def override_billable(
    actor: Actor, entry_id: int, *, billable: bool, reason: str, now: datetime | None = None
) -> TimeEntry:
    """A manager makes logged time billable or not, with a reason; never once invoiced."""
    now = now or timezone.now()
    require_staff(actor)
    entry = TimeEntry.objects.select_for_update().filter(pk=entry_id).first()
    if entry is None:
        raise NotFound("entry", f"no time entry {entry_id}")
    request = find_request(actor, entry.request.number, for_update=True)
    if entry_invoiced(entry):
        raise Invalid("entry", "this time is on an issued invoice; issue a credit note first")
    terms = _override(
        actor, policy_of(request), billing_for(request, policy_of(request)), billable, reason
    )
    entry.billable, entry.hourly_rate = terms.billable, terms.hourly_rate
    entry.currency, entry.clause = terms.currency, terms.clause
    entry.billable_overridden, entry.override_reason = True, reason.strip()
    entry.override_by = actor.label
    entry.save()
    log.append(
        request, "time_override", at=now, actor=actor, now=now, entry=entry.pk, billable=billable
    )
    record(
        actor,
        "request.time_override",
        request,
        now,
        entry=entry.pk,
        billable=billable,
        reason=reason.strip(),
    )
    return entry


def entry_invoiced(entry: TimeEntry) -> bool:
    return entry.billed.filter(active=True).exists()  # type: ignore[attr-defined]


def summary(request: Request) -> dict[str, Any]:
    """Billable hours and amounts, and the expenses that cannot be invoiced yet, with why."""
    policy = policy_of(request)
    billable = [t for t in request.time_entries.all() if t.billable]
    time_amount = sum(
        (amount(t.minutes, t.hourly_rate or Decimal(0)) for t in billable), Decimal(0)
    )
    expenses = list(request.expenses.prefetch_related("evidence_files"))
    currency = billable[0].currency if billable else rate_for(policy, "").currency
    waiting = {e.pk: blockers(e, policy, currency) for e in expenses}
    ready = [e for e in expenses if not waiting[e.pk]]
    return {
        "billable_minutes": sum(t.minutes for t in billable),
        "time_amount": str(time_amount.quantize(CENT)),
        "currency": currency,
        "expenses_invoiceable": str(sum((e.amount for e in ready), Decimal(0))),
        "expenses_awaiting_evidence": [
            e.pk for e in expenses if any("evidence" in w for w in waiting[e.pk])
        ],
        "expenses_not_invoiceable": [{"id": pk, "why": why} for pk, why in waiting.items() if why],
    }
