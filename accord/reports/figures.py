"""How one organisation's contract was kept over a period, per level and target.

Read from the stored `SlaTarget` rows of the requests the organisation sent in
the period (one indexed query), never by replaying event logs: each row
carries its verdict, the level and clause it was measured against, and its
times on its own clock (`taken_seconds`, `paused_seconds`, written by
`store_targets` from the engine's evaluation). What changes with time alone
is added here, so the figures are those of an evaluation as of `now`:

- a stored `running` target whose due has passed is breached at its due;
- an unmet target whose clock is stopped (the request is in a status the
  policy pauses on) has been paused since `computed_at` as well.

Figures per line (level, target kind, clause):

- targets, met, breached, open (still running or paused, not yet due);
- % met = met / (met + breached), over the targets with a verdict;
- median and 90th percentile of the time to meet, on the target's own clock
  (working time for business targets), over the targets that were met, also
  late ones: nearest rank, so each is a time some request actually took;
- paused: the total time the targets' clocks stood still, on their own clocks.

tests/reports/test_figures_recount.py holds these equal to a brute-force
recount that replays every request's event log through the engine.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from accord.contracts.models import Organization
from accord.contracts.policy_versions import policy_version
from accord.reports.periods import Period
from accord.sla import Policy, load_policy
from accord.sla.durations import format_seconds
from accord.sla.measure import on_clock
from accord.tickets.models import NUMBER_PREFIX, Request, SlaTarget, TargetState

KINDS = ("first_response", "resolution")
KIND_LABELS = {"first_response": "First response", "resolution": "Resolution"}


def nearest_rank(values: list[int], percent: int) -> int | None:
    """The smallest value with at least `percent`% of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


@dataclass
class Line:
    level: str
    level_label: str
    kind: str
    clause: str
    target: str  # "1 business hour"
    clock: str
    targets: int = 0
    met: int = 0
    breached: int = 0
    open: int = 0
    paused_seconds: int = 0
    times: list[int] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def percent_met(self) -> float | None:
        decided = self.met + self.breached
        return round(100 * self.met / decided, 1) if decided else None

    @property
    def median_seconds(self) -> int | None:
        return nearest_rank(self.times, 50)

    @property
    def p90_seconds(self) -> int | None:
        return nearest_rank(self.times, 90)


@dataclass(frozen=True)
class Breach:
    number: int
    subject: str
    level: str
    level_label: str
    kind: str
    clause: str
    target: str
    breached_at: datetime
    met_at: datetime | None

    @property
    def display_number(self) -> str:
        return f"{NUMBER_PREFIX}{self.number}"

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass
class Report:
    organization: Organization
    period: Period
    as_of: datetime
    requests: int
    without_targets: int
    lines: list[Line]
    breaches: list[Breach]
    requests_per_level: dict[str, int]

    def line_total(self, kind: str) -> Line:
        """All lines of one kind together (the statement's and overview's headline)."""
        total = Line("", "All levels", kind, "", "", "")
        for line in self.lines:
            if line.kind == kind:
                total.targets += line.targets
                total.met += line.met
                total.breached += line.breached
                total.open += line.open
                total.paused_seconds += line.paused_seconds
                total.times.extend(line.times)
        return total


@cache
def _version(policy: str, version: str) -> Policy:
    return policy_version(policy, version)


def target_label(within_seconds: int, clock: str) -> str:
    return format_seconds(within_seconds, "business " if clock == "business" else "")


def level_label(policy: Policy, level: str) -> str:
    return policy.level(level).label if level in policy.level_ids else level


_FIELDS = (
    "request_id",
    "request__number",
    "request__subject",
    "request__status",
    "request__policy",
    "request__policy_version",
    "kind",
    "state",
    "due",
    "met_at",
    "breached_at",
    "clock",
    "within_seconds",
    "clause",
    "level",
    "taken_seconds",
    "paused_seconds",
    "computed_at",
)


def stored_targets(organization: Organization, period: Period) -> Iterable[dict[str, Any]]:
    """The stored targets of the requests the organisation sent in the period."""
    return (
        SlaTarget.objects.filter(
            request__organization=organization,
            request__received__gte=period.start,
            request__received__lt=period.end,
        )
        .order_by("request__number", "kind")
        .values(*_FIELDS)
    )


def verdict(row: dict[str, Any], now: datetime) -> str:
    """met, breached or open, as of `now` (a running row past its due is breached)."""
    if row["state"] == TargetState.MET:
        return "met"
    if row["state"] == TargetState.BREACHED:
        return "breached"
    if row["state"] == TargetState.RUNNING and row["due"] is not None and row["due"] < now:
        return "breached"
    return "open"


def paused_now(row: dict[str, Any], now: datetime) -> int:
    """The stored paused time, plus the time since `computed_at` if the clock is stopped."""
    policy = _version(row["request__policy"], row["request__policy_version"])
    paused: int = row["paused_seconds"]
    _, pause_statuses = policy.resolution_rule
    stopped = row["kind"] == "resolution" and row["request__status"] in pause_statuses
    if row["met_at"] is None and stopped and now > row["computed_at"]:
        paused += on_clock(policy, row["clock"], row["computed_at"], now)
    return paused


def build(organization: Organization, period: Period, now: datetime) -> Report:
    """The organisation's report for the period, as of `now`."""
    base = load_policy(organization.policy)
    period = period.in_zone(base.zone)
    lines: dict[tuple[str, str, str], Line] = {}
    breaches: list[Breach] = []
    per_level: dict[str, set[int]] = defaultdict(set)
    for row in stored_targets(organization, period):
        policy = _version(row["request__policy"], row["request__policy_version"])
        level = row["level"]
        key = (level, row["kind"], row["clause"])
        line = lines.get(key)
        label = target_label(row["within_seconds"], row["clock"])
        if line is None:
            line = Line(
                level, level_label(policy, level), row["kind"], row["clause"], label, row["clock"]
            )
            lines[key] = line
        per_level[level].add(row["request_id"])
        line.targets += 1
        found = verdict(row, now)
        setattr(line, found, getattr(line, found) + 1)
        if row["taken_seconds"] is not None:
            line.times.append(row["taken_seconds"])
        line.paused_seconds += paused_now(row, now)
        if found == "breached":
            breaches.append(
                Breach(
                    row["request__number"],
                    row["request__subject"],
                    level,
                    line.level_label,
                    row["kind"],
                    row["clause"],
                    label,
                    row["breached_at"] or row["due"],
                    row["met_at"],
                )
            )
    received = Request.objects.filter(
        organization=organization, received__gte=period.start, received__lt=period.end
    )
    total = received.count()
    with_targets = len(set().union(*per_level.values())) if per_level else 0
    order = {lvl: i for i, lvl in enumerate(base.level_ids)}
    ordered = sorted(
        lines.values(),
        key=lambda x: (order.get(x.level, len(order)), x.level, KINDS.index(x.kind), x.clause),
    )
    breaches.sort(key=lambda b: (b.breached_at, b.number, b.kind))
    return Report(
        organization,
        period,
        now,
        total,
        total - with_targets,
        ordered,
        breaches,
        {lvl: len(ids) for lvl, ids in per_level.items()},
    )
