"""Invoices and credit notes: drafts per organisation and period, issued with a number.

A draft's lines name their sources (time entries, an expense) but claim
nothing. Issuing claims every source with an `InvoiceItem` row; a partial
unique index allows one *active* item per time entry and per expense, so the
database itself refuses to bill anything twice. A credit note deactivates its
invoice's items, so that work may be billed again. Money is `Decimal`,
rounded to the cent per line (docs/billing.md).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class Invoice(models.Model):
    class Kind(models.TextChoices):
        INVOICE = "invoice", "Invoice"
        CREDIT_NOTE = "credit_note", "Credit note"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ISSUED = "issued", "Issued"
        CREDITED = "credited", "Issued, then credited"

    organization = models.ForeignKey(
        "contracts.Organization", on_delete=models.PROTECT, related_name="invoices"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.INVOICE)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    policy = models.CharField(max_length=50)
    period_start = models.DateField()
    period_end = models.DateField()
    currency = models.CharField(max_length=3)
    total = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    year = models.PositiveIntegerField(null=True, blank=True)
    sequence = models.PositiveIntegerField(null=True, blank=True)
    number = models.CharField(max_length=20, null=True, blank=True, unique=True)
    credits = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_note"
    )
    reason = models.CharField(max_length=500, blank=True, help_text="why a credit note")
    not_invoiceable = models.JSONField(
        default=list, help_text="[{request, expense, description, amount, currency, why}]"
    )
    created = models.DateTimeField()
    created_by = models.CharField(max_length=200)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "sequence"],
                name="invoice_number_once_per_year",
                condition=Q(sequence__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.number or f"draft {self.pk}"

    @property
    def title(self) -> str:
        label = "Credit note" if self.kind == self.Kind.CREDIT_NOTE else "Invoice"
        return f"{label} {self.number}" if self.number else f"Draft invoice {self.pk}"


class InvoiceLine(models.Model):
    class Kind(models.TextChoices):
        TIME = "time", "Time"
        EXPENSE = "expense", "Expense"

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    request = models.ForeignKey("tickets.Request", on_delete=models.PROTECT, related_name="+")
    request_number = models.CharField(max_length=20)
    description = models.CharField(max_length=500)
    clause = models.CharField(max_length=200)
    minutes = models.IntegerField(null=True, blank=True)
    hourly_rate = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)
    time_entries = models.JSONField(default=list, help_text="ids of the time entries billed")
    expense = models.ForeignKey(
        "tickets.Expense", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["position"]


class InvoiceItem(models.Model):
    """The claim: a time entry or an expense billed by an issued invoice's line."""

    line = models.ForeignKey(InvoiceLine, on_delete=models.PROTECT, related_name="items")
    time_entry = models.ForeignKey(
        "tickets.TimeEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="billed"
    )
    expense = models.ForeignKey(
        "tickets.Expense", null=True, blank=True, on_delete=models.PROTECT, related_name="billed"
    )
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["time_entry"],
                name="time_entry_billed_once",
                condition=Q(active=True, time_entry__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["expense"],
                name="expense_billed_once",
                condition=Q(active=True, expense__isnull=False),
            ),
            models.CheckConstraint(
                name="invoice_item_one_source",
                condition=Q(time_entry__isnull=False, expense__isnull=True)
                | Q(time_entry__isnull=True, expense__isnull=False),
            ),
        ]
