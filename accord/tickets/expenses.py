"""capella 4.6 expenses: kinds, advance approval for supplies, written evidence files.

An expense can be recorded at once and completed later: the customer's
approval (who, on which day) and evidence files (a receipt scan or PDF) may
arrive after it. Whether it can be invoiced is one function, `blockers`, that
returns the reasons it cannot yet (empty: invoiceable); invoice drafts list
those reasons under the draft, never dropping the expense silently.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accord.accounts.actor import Actor
from accord.audit.services import record
from accord.errors import Invalid, NotFound
from accord.sla import Policy
from accord.tickets import log
from accord.tickets.actions import require_staff
from accord.tickets.intake import text
from accord.tickets.models import Expense, ExpenseEvidence
from accord.tickets.queries import find_request
from accord.tickets.targets import policy_of

EVIDENCE_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/tiff", "image/webp"}
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024


def _rule(policy: Policy, kind: str):  # type: ignore[no-untyped-def]
    rules = policy.spec.on_premises
    rule = next((e for e in rules.expenses if e.kind == kind), None) if rules else None
    if rule is None:
        known = ", ".join(e.kind for e in rules.expenses) if rules else "none under this policy"
        raise Invalid("kind", f"expected an expense kind of the policy ({known})")
    return rule


def blockers(expense: Expense, policy: Policy, currency: str) -> list[str]:
    """Why the expense cannot be invoiced yet (empty list: it can)."""
    rule = _rule(policy, expense.kind)
    why: list[str] = []
    if rule.needs_advance_approval:
        if expense.approved_on is None or not expense.approved_by:
            why.append(f"no advance approval from the customer ({rule.clause})")
        elif expense.approved_on > expense.incurred_on:
            why.append(
                f"approved on {expense.approved_on}, after it was incurred on "
                f"{expense.incurred_on}; supplies need approval in advance ({rule.clause})"
            )
    if rule.needs_written_evidence and not expense.evidence_files.all():
        why.append(f"no written evidence attached ({rule.clause})")
    if currency and expense.currency != currency:
        why.append(f"recorded in {expense.currency}; the invoice is in {currency}")
    return why


def _amount(value: Decimal) -> Decimal:
    if not value.is_finite() or value <= 0 or value >= Decimal("1e10"):
        raise Invalid("amount", "a positive amount below 10,000,000,000")
    if value != value.quantize(Decimal("0.01")):
        raise Invalid("amount", "at most two decimal places")
    return value


def _approval(approved_by: str, approved_on: date | None) -> tuple[str, date | None]:
    approved_by = approved_by.strip()
    if bool(approved_by) != (approved_on is not None):
        field = "approved_on" if approved_by else "approved_by"
        raise Invalid(field, "give who approved and on which day, or neither")
    return approved_by, approved_on


@transaction.atomic
def record_expense(
    actor: Actor,
    number: str | int,
    *,
    kind: str,
    description: str,
    amount: Decimal,
    incurred_on: date,
    currency: str = "",
    approved_by: str = "",
    approved_on: date | None = None,
    evidence: str = "",
    now: datetime | None = None,
) -> Expense:
    """capella 4.6: an expense; approval and evidence files may follow later."""
    now = now or timezone.now()
    request = find_request(actor, number, for_update=True)
    require_staff(actor)
    policy = policy_of(request)
    rule = _rule(policy, kind)
    billing = next((b for b in policy.spec.billing if b.plus_expenses), None)
    currency = (currency or (billing.currency if billing else "")).strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise Invalid("currency", "a three-letter currency code, e.g. NZD")
    approved_by, approved_on = _approval(approved_by, approved_on)
    if incurred_on > now.astimezone(policy.zone).date():
        raise Invalid("incurred_on", "must not be in the future")
    expense = Expense.objects.create(
        request=request,
        kind=kind,
        description=text(description, "description", 500),
        amount=_amount(amount),
        currency=currency,
        incurred_on=incurred_on,
        approved_by=approved_by,
        approved_on=approved_on,
        evidence=evidence.strip()[:500],
        clause=rule.clause,
        recorded=now,
    )
    log.append(request, "expense", at=now, actor=actor, now=now, expense=kind, amount=str(amount))
    record(
        actor,
        "request.expense",
        request,
        now,
        expense=expense.pk,
        kind=kind,
        amount=str(amount),
        currency=currency,
    )
    return expense


def _locked(actor: Actor, expense_id: int) -> Expense:
    require_staff(actor)
    expense = Expense.objects.select_for_update().filter(pk=expense_id).first()
    if expense is None:
        raise NotFound("expense", f"no expense {expense_id}")
    find_request(actor, expense.request.number, for_update=True)
    if expense.billed.filter(active=True).exists():  # type: ignore[attr-defined]
        raise Invalid("expense", "this expense is on an issued invoice")
    return expense


@transaction.atomic
def approve_expense(
    actor: Actor,
    expense_id: int,
    *,
    approved_by: str,
    approved_on: date,
    now: datetime | None = None,
) -> Expense:
    """Record the customer's approval (who, on which day); in advance is the day that counts."""
    now = now or timezone.now()
    expense = _locked(actor, expense_id)
    expense.approved_by, expense.approved_on = _approval(approved_by, approved_on)
    expense.save(update_fields=["approved_by", "approved_on"])
    log.append(
        expense.request,
        "expense_approval",
        at=now,
        actor=actor,
        now=now,
        expense=expense.pk,
        approved_on=str(approved_on),
    )
    record(
        actor,
        "request.expense_approval",
        expense.request,
        now,
        expense=expense.pk,
        approved_by=expense.approved_by,
        approved_on=str(approved_on),
    )
    return expense


@transaction.atomic
def attach_evidence(
    actor: Actor, expense_id: int, upload: UploadedFile, *, now: datetime | None = None
) -> ExpenseEvidence:
    """A receipt scan or PDF for an expense, at any time after it was recorded."""
    now = now or timezone.now()
    expense = _locked(actor, expense_id)
    content_type = (upload.content_type or "").split(";")[0].strip().lower()
    if content_type not in EVIDENCE_TYPES:
        raise Invalid("file", "a PDF or an image (JPEG, PNG, TIFF, WebP)")
    if not upload.size or upload.size > EVIDENCE_MAX_BYTES:
        raise Invalid("file", "between 1 byte and 20 MB")
    name = (upload.name or "evidence").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:255]
    evidence = ExpenseEvidence(
        expense=expense,
        filename=name,
        content_type=content_type,
        size=upload.size,
        uploaded=now,
        uploaded_by=actor.label,
    )
    evidence.file.save(f"expense-{expense.pk}", upload, save=False)
    evidence.save()
    log.append(
        expense.request,
        "expense_evidence",
        at=now,
        actor=actor,
        now=now,
        expense=expense.pk,
        filename=name,
    )
    record(
        actor,
        "request.expense_evidence",
        expense.request,
        now,
        expense=expense.pk,
        evidence=evidence.pk,
        filename=name,
        size=upload.size,
    )
    return evidence
