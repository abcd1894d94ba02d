"""Drafting, issuing and crediting invoices; every step atomic and audited.

Numbering: one gapless sequence per calendar year (the issuing day in the
organisation's policy zone), shared by invoices and credit notes, shown as
`2026-0001`. The number comes from a counter row incremented inside the
issuing transaction (`accord.tickets.numbering.next_number`, counter
`invoice:YEAR`): concurrent issues queue on that row's lock, and an issue that
fails after taking a number rolls the increment back with everything else,
so no number is skipped and none is given twice. Sources are claimed before
the number is taken, so a refused issue never even waits for the counter.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from accord.accounts.actor import Actor
from accord.accounts.permissions import BILLING, require
from accord.audit.services import record
from accord.contracts.services import get_organization
from accord.errors import Conflict, Invalid, NotFound
from accord.invoices.compute import build
from accord.invoices.models import Invoice, InvoiceItem, InvoiceLine
from accord.sla import load_policy
from accord.tickets.expenses import blockers
from accord.tickets.numbering import next_number

MAX_PERIOD_DAYS = 366


def _period(start: date, end: date) -> None:
    if end < start:
        raise Invalid("period_end", "must not be before period_start")
    if (end - start).days >= MAX_PERIOD_DAYS:
        raise Invalid("period_end", f"a period of at most {MAX_PERIOD_DAYS} days")


def list_invoices(actor: Actor, organization: int | None = None, limit: int = 200) -> list[Invoice]:
    """The newest invoices and credit notes (of one organisation when given)."""
    require(actor, BILLING)
    qs = Invoice.objects.select_related("organization", "credits").prefetch_related("lines")
    if organization is not None:
        qs = qs.filter(organization=organization)
    return list(qs[:limit])


def get_invoice(actor: Actor, invoice_id: int, *, for_update: bool = False) -> Invoice:
    require(actor, BILLING)
    qs = Invoice.objects.select_related("organization")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    found = qs.filter(pk=invoice_id).first()
    if found is None:
        raise NotFound("invoice", f"no invoice {invoice_id}")
    return found


@transaction.atomic
def create_draft(
    actor: Actor,
    *,
    organization: int,
    period_start: date,
    period_end: date,
    now: datetime | None = None,
) -> Invoice:
    """A draft for the organisation and period; it replaces an earlier draft of the same period."""
    now = now or timezone.now()
    require(actor, BILLING)
    try:
        org = get_organization(actor, organization)
    except NotFound as exc:
        raise Invalid("organization", exc.message) from None
    _period(period_start, period_end)
    replaced = list(
        Invoice.objects.select_for_update()
        .filter(
            organization=org,
            status=Invoice.Status.DRAFT,
            period_start=period_start,
            period_end=period_end,
        )
        .values_list("pk", flat=True)
    )
    Invoice.objects.filter(pk__in=replaced).delete()
    draft = build(org, period_start, period_end)
    invoice = Invoice.objects.create(
        organization=org,
        policy=org.policy,
        period_start=period_start,
        period_end=period_end,
        currency=draft.currency,
        total=draft.total,
        not_invoiceable=draft.not_invoiceable,
        created=now,
        created_by=actor.label,
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice,
            position=i,
            kind=line.kind,
            request=line.request,
            request_number=line.request.display_number,
            description=line.description[:500],
            clause=line.clause,
            minutes=line.minutes,
            hourly_rate=line.hourly_rate,
            amount=line.amount,
            currency=line.currency,
            time_entries=line.time_entries,
            expense=line.expense,
        )
        for i, line in enumerate(draft.lines, start=1)
    )
    record(
        actor,
        "invoice.draft",
        invoice,
        now,
        organization=org.pk,
        period=f"{period_start}..{period_end}",
        lines=len(draft.lines),
        total=str(draft.total),
        not_invoiceable=len(draft.not_invoiceable),
        replaced=replaced,
    )
    return invoice


def _claim(invoice: Invoice) -> None:
    """One active item per source; the partial unique indexes refuse a second claim."""
    policy = load_policy(invoice.policy)
    items: list[InvoiceItem] = []
    for line in invoice.lines.select_related("expense"):
        if line.expense is not None:
            why = blockers(line.expense, policy, invoice.currency)
            if why:
                raise Conflict("invoice", f"{line.request_number}: {why[0]}; draft again")
            items.append(InvoiceItem(line=line, expense=line.expense))
        items += [InvoiceItem(line=line, time_entry_id=pk) for pk in line.time_entries]
    try:
        with transaction.atomic():
            InvoiceItem.objects.bulk_create(items)
    except IntegrityError:
        raise Conflict(
            "invoice", "some of this draft's work was invoiced meanwhile; draft again"
        ) from None


def _number(invoice: Invoice, now: datetime) -> None:
    year = now.astimezone(load_policy(invoice.policy).zone).year
    sequence = next_number(f"invoice:{year}", first=1)
    invoice.year, invoice.sequence = year, sequence
    invoice.number = f"{year}-{sequence:04d}"


@transaction.atomic
def issue(actor: Actor, invoice_id: int, *, now: datetime | None = None) -> Invoice:
    """Number the draft, freeze its lines and mark their work invoiced."""
    now = now or timezone.now()
    invoice = get_invoice(actor, invoice_id, for_update=True)
    if invoice.status != Invoice.Status.DRAFT:
        raise Conflict("invoice", f"{invoice} is already issued")
    if not invoice.lines.exists():
        raise Invalid("invoice", "nothing to invoice: the draft has no lines")
    _claim(invoice)
    _number(invoice, now)
    invoice.status, invoice.issued_at, invoice.issued_by = Invoice.Status.ISSUED, now, actor.label
    invoice.save()
    record(
        actor,
        "invoice.issue",
        invoice,
        now,
        number=invoice.number,
        total=str(invoice.total),
        currency=invoice.currency,
    )
    return invoice


@transaction.atomic
def credit(actor: Actor, invoice_id: int, *, reason: str, now: datetime | None = None) -> Invoice:
    """A credit note reversing an issued invoice; its work may then be billed again."""
    now = now or timezone.now()
    original = get_invoice(actor, invoice_id, for_update=True)
    if original.kind != Invoice.Kind.INVOICE or original.status != Invoice.Status.ISSUED:
        raise Conflict("invoice", f"only an issued invoice can be credited ({original.status})")
    reason = reason.strip()
    if not reason:
        raise Invalid("reason", "say why the invoice is credited")
    note = Invoice.objects.create(
        organization=original.organization,
        kind=Invoice.Kind.CREDIT_NOTE,
        status=Invoice.Status.ISSUED,
        policy=original.policy,
        period_start=original.period_start,
        period_end=original.period_end,
        currency=original.currency,
        total=-original.total,
        credits=original,
        reason=reason[:500],
        created=now,
        created_by=actor.label,
        issued_at=now,
        issued_by=actor.label,
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=note,
            position=line.position,
            kind=line.kind,
            request_id=line.request_id,
            request_number=line.request_number,
            description=f"Credit: {line.description}"[:500],
            clause=line.clause,
            minutes=-line.minutes if line.minutes is not None else None,
            hourly_rate=line.hourly_rate,
            amount=-line.amount,
            currency=line.currency,
        )
        for line in original.lines.all()
    )
    InvoiceItem.objects.filter(line__invoice=original).update(active=False)
    _number(note, now)
    note.save()
    original.status = Invoice.Status.CREDITED
    original.save(update_fields=["status"])
    record(actor, "invoice.credit", original, now, credit_note=note.number, reason=reason)
    record(
        actor,
        "invoice.issue",
        note,
        now,
        number=note.number,
        total=str(note.total),
        credits=original.number,
    )
    return note


def totals(invoice: Invoice) -> dict[str, Decimal]:
    """Time and expense subtotals and the total (the sum of the lines)."""
    sums = {"time": Decimal("0.00"), "expense": Decimal("0.00")}
    for line in invoice.lines.all():
        sums[line.kind] += line.amount
    total = sums["time"] + sums["expense"]
    return {"time": sums["time"], "expenses": sums["expense"], "total": total}
