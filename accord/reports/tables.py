"""The report's tables as plain rows: one shape for the page, the CSV and the JSON API.

Each `*_rows` function returns a list of dicts whose keys are the CSV header
and the JSON field names, so the three outputs can never disagree. Instants
are ISO 8601 in the policy's zone; durations are whole seconds.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count

from accord.contracts.models import Organization
from accord.errors import Invalid
from accord.reports import figures
from accord.reports.periods import Period, months_back, parse
from accord.sla import load_policy
from accord.sla.jsonio import iso
from accord.tickets.models import Request, Status

OPEN_STATUSES = (Status.OPEN, Status.WAITING_ON_CUSTOMER, Status.WORKAROUND_PROVIDED)
# First-response time buckets (upper bounds in seconds, on the target's own clock).
BUCKETS: tuple[tuple[str, int | None], ...] = (
    ("≤15m", 15 * 60),
    ("≤30m", 30 * 60),
    ("≤1h", 3600),
    ("≤2h", 2 * 3600),
    ("≤4h", 4 * 3600),
    ("≤8h", 8 * 3600),
    ("≤1d", 86400),
    (">1d", None),
)


def _iso(at: datetime | None, report: figures.Report) -> str | None:
    return iso(at, report.period.zone) if at is not None else None


def line_rows(report: figures.Report) -> list[dict[str, Any]]:
    return [
        {
            "level": ln.level,
            "level_label": ln.level_label,
            "requests": report.requests_per_level.get(ln.level, 0),
            "target": ln.kind,
            "clause": ln.clause,
            "within": ln.target,
            "clock": ln.clock,
            "targets": ln.targets,
            "met": ln.met,
            "breached": ln.breached,
            "open": ln.open,
            "percent_met": ln.percent_met,
            "median_seconds": ln.median_seconds,
            "p90_seconds": ln.p90_seconds,
            "paused_seconds": ln.paused_seconds,
        }
        for ln in report.lines
    ]


def breach_rows(report: figures.Report) -> list[dict[str, Any]]:
    return [
        {
            "number": b.display_number,
            "subject": b.subject,
            "level": b.level,
            "target": b.kind,
            "clause": b.clause,
            "within": b.target,
            "breached_at": _iso(b.breached_at, report),
            "met_late_at": _iso(b.met_at, report),
        }
        for b in report.breaches
    ]


def summary_row(report: figures.Report) -> dict[str, Any]:
    """One organisation's headline: what the overview lists."""
    org = report.organization
    fr, res = report.line_total("first_response"), report.line_total("resolution")
    return {
        "organization": org.pk,
        "name": org.name,
        "policy": org.policy,
        "period": report.period.key,
        "requests": report.requests,
        "without_targets": report.without_targets,
        "first_response_met": fr.met,
        "first_response_breached": fr.breached,
        "first_response_percent_met": fr.percent_met,
        "resolution_met": res.met,
        "resolution_breached": res.breached,
        "resolution_percent_met": res.percent_met,
        "breaches": len(report.breaches),
    }


def overview_rows(period_key: str, now: datetime) -> list[dict[str, Any]]:
    """Every organisation's headline for the period, each in its own policy's zone
    (an empty key is the month `now` falls in there)."""
    rows = []
    for org in Organization.objects.order_by("name"):
        zone = load_policy(org.policy).zone
        period = parse(period_key, zone, today=now.astimezone(zone).date())
        rows.append(summary_row(figures.build(org, period, now)))
    return rows


VERDICTS = ("met", "breached", "open")


@dataclass(frozen=True)
class DrillFilter:
    level: str = ""
    kind: str = ""
    verdict: str = ""


def parse_drill(level: str, kind: str, verdict: str, policy: Any) -> DrillFilter:
    """The drill-down's narrowing; Invalid names the bad parameter."""
    if level and level not in policy.level_ids:
        raise Invalid("level", f"expected one of {', '.join(policy.level_ids)}")
    if kind and kind not in figures.KINDS:
        raise Invalid("kind", f"expected one of {', '.join(figures.KINDS)}")
    if verdict and verdict not in VERDICTS:
        raise Invalid("verdict", f"expected one of {', '.join(VERDICTS)}")
    return DrillFilter(level, kind, verdict)


def drill_rows(
    org: Organization, period: Period, wanted: DrillFilter, now: datetime
) -> list[dict[str, Any]]:
    """The targets behind a figure: one row per request and target, with its verdict."""
    rows = []
    for row in figures.stored_targets(org, period):
        found = figures.verdict(row, now)
        if wanted.level and row["level"] != wanted.level:
            continue
        if wanted.kind and row["kind"] != wanted.kind:
            continue
        if wanted.verdict and found != wanted.verdict:
            continue
        zone = period.zone
        breached = row["breached_at"] or (row["due"] if found == "breached" else None)
        rows.append(
            {
                "number": f"SR-{row['request__number']}",
                "subject": row["request__subject"],
                "status": row["request__status"],
                "level": row["level"],
                "target": row["kind"],
                "clause": row["clause"],
                "verdict": found,
                "due": iso(row["due"], zone) if row["due"] else None,
                "met_at": iso(row["met_at"], zone) if row["met_at"] else None,
                "breached_at": iso(breached, zone) if breached else None,
                "taken_seconds": row["taken_seconds"],
                "paused_seconds": figures.paused_now(row, now),
            }
        )
    return rows


def compliance_by_month(
    org: Organization, period: Period, now: datetime, months: int = 12
) -> list[tuple[str, float | None, float | None]]:
    """(month label, first response % met, resolution % met) for the months up to the period."""
    out = []
    for month in months_back(period, months):
        report = figures.build(org, month, now)
        out.append(
            (
                month.first.strftime("%b %y"),
                report.line_total("first_response").percent_met,
                report.line_total("resolution").percent_met,
            )
        )
    return out


def backlog_per_level(org: Organization) -> list[tuple[str, int]]:
    """Unresolved requests of the organisation per current level, as of now."""
    policy = load_policy(org.policy)
    counts = {
        r["level"]: r["n"]
        for r in Request.objects.filter(
            organization=org, status__in=OPEN_STATUSES, merged_into__isnull=True
        )
        .values("level")
        .annotate(n=Count("pk"))
    }
    return [(figures.level_label(policy, lvl), counts.get(lvl, 0)) for lvl in policy.level_ids]


def first_response_histogram(report: figures.Report) -> list[tuple[str, int]]:
    times = [t for ln in report.lines if ln.kind == "first_response" for t in ln.times]
    counts = [0] * len(BUCKETS)
    for t in times:
        for i, (_, bound) in enumerate(BUCKETS):
            if bound is None or t <= bound:
                counts[i] += 1
                break
    return [(label, n) for (label, _), n in zip(BUCKETS, counts, strict=True)]


LINE_FIELDS = (
    "level", "level_label", "requests", "target", "clause", "within", "clock", "targets",
    "met", "breached", "open", "percent_met", "median_seconds", "p90_seconds", "paused_seconds",
)  # fmt: skip
BREACH_FIELDS = (
    "number", "subject", "level", "target", "clause", "within", "breached_at", "met_late_at",
)  # fmt: skip
SUMMARY_FIELDS = (
    "organization", "name", "policy", "period", "requests", "without_targets",
    "first_response_met", "first_response_breached", "first_response_percent_met",
    "resolution_met", "resolution_breached", "resolution_percent_met", "breaches",
)  # fmt: skip
DRILL_FIELDS = (
    "number", "subject", "status", "level", "target", "clause", "verdict", "due", "met_at",
    "breached_at", "taken_seconds", "paused_seconds",
)  # fmt: skip


def to_csv(rows: Sequence[dict[str, Any]], header: Sequence[str]) -> str:
    """RFC 4180 CSV with a header row; None is an empty cell."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(header), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue()
