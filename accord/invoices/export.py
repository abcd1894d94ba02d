"""Invoice exports: CSV for accounting import, PDF for the customer, JSON for the API.

The CSV has one row per invoice line with the invoice's number, dates and
organisation repeated, amounts as plain decimals with a dot (no thousands
separator), so any accounting import reads it. The PDF is drawn with
ReportLab (pure Python, from PyPI, no system libraries): vendor's name from
settings (ACCORD_VENDOR_NAME), the customer, the lines with their clauses,
and the totals.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from accord.invoices.models import Invoice
from accord.invoices.services import totals

CSV_FIELDS = [
    "invoice",
    "kind",
    "status",
    "issued",
    "organization",
    "period_start",
    "period_end",
    "line",
    "line_kind",
    "request",
    "description",
    "clause",
    "minutes",
    "hourly_rate",
    "amount",
    "currency",
]


def as_json(invoice: Invoice) -> dict[str, Any]:
    sums = totals(invoice)
    return {
        "id": invoice.pk,
        "number": invoice.number,
        "kind": invoice.kind,
        "status": invoice.status,
        "organization": invoice.organization_id,
        "organization_name": invoice.organization.name,
        "vendor": settings.ACCORD_VENDOR_NAME,
        "period_start": invoice.period_start,
        "period_end": invoice.period_end,
        "currency": invoice.currency,
        "issued_at": invoice.issued_at,
        "credits": invoice.credits.number if invoice.credits else None,
        "reason": invoice.reason,
        "lines": [
            {
                "position": line.position,
                "kind": line.kind,
                "request": line.request_number,
                "description": line.description,
                "clause": line.clause,
                "minutes": line.minutes,
                "hourly_rate": line.hourly_rate,
                "amount": line.amount,
                "currency": line.currency,
            }
            for line in invoice.lines.all()
        ],
        "time_total": sums["time"],
        "expenses_total": sums["expenses"],
        "total": sums["total"],
        "not_invoiceable": invoice.not_invoiceable,
    }


def as_csv(invoice: Invoice) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for line in invoice.lines.all():
        writer.writerow(
            {
                "invoice": invoice.number or f"draft-{invoice.pk}",
                "kind": invoice.kind,
                "status": invoice.status,
                "issued": invoice.issued_at.date().isoformat() if invoice.issued_at else "",
                "organization": invoice.organization.name,
                "period_start": invoice.period_start.isoformat(),
                "period_end": invoice.period_end.isoformat(),
                "line": line.position,
                "line_kind": line.kind,
                "request": line.request_number,
                "description": line.description,
                "clause": line.clause,
                "minutes": "" if line.minutes is None else line.minutes,
                "hourly_rate": "" if line.hourly_rate is None else f"{line.hourly_rate:.2f}",
                "amount": f"{line.amount:.2f}",
                "currency": line.currency,
            }
        )
    return out.getvalue()


def _money(value: Decimal, currency: str) -> str:
    return f"{currency} {value:,.2f}"


def as_pdf(invoice: Invoice) -> bytes:
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, title=invoice.title
    )
    org = invoice.organization
    story: list[Any] = [
        Paragraph(settings.ACCORD_VENDOR_NAME, styles["Title"]),
        Paragraph(invoice.title, styles["Heading2"]),
        Paragraph(f"To: {org.name}", styles["BodyText"]),
        Paragraph(
            f"Period: {invoice.period_start} to {invoice.period_end}"
            + (f" &middot; Issued: {invoice.issued_at.date()}" if invoice.issued_at else "")
            + (f" &middot; Credits invoice {invoice.credits.number}" if invoice.credits else ""),
            styles["BodyText"],
        ),
        Spacer(1, 6 * mm),
    ]
    rows: list[list[Any]] = [["#", "Request", "Description", "Clause", "Amount"]]
    for line in invoice.lines.all():
        rows.append(
            [
                str(line.position),
                line.request_number,
                Paragraph(line.description, small),
                Paragraph(line.clause, small),
                _money(line.amount, line.currency),
            ]
        )
    sums = totals(invoice)
    rows += [
        ["", "", "Time", "", _money(sums["time"], invoice.currency)],
        ["", "", "Expenses", "", _money(sums["expenses"], invoice.currency)],
        ["", "", "Total", "", _money(sums["total"], invoice.currency)],
    ]
    table = Table(rows, colWidths=[8 * mm, 20 * mm, 80 * mm, 38 * mm, 28 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
                ("LINEABOVE", (0, -3), (-1, -3), 0.6, colors.black),
                ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
                ("ALIGN", (-1, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(table)
    story.append(Spacer(1, 6 * mm))
    story.append(
        Paragraph(
            "Time is counted in whole minutes; each line's amount is minutes x hourly rate / 60, "
            "rounded to the cent; the total is the sum of the lines. Each line names the clause "
            "of the support policy that makes it billable.",
            small,
        )
    )
    if invoice.reason:
        story.append(Paragraph(f"Reason: {invoice.reason}", small))
    doc.build(story)
    return buf.getvalue()
