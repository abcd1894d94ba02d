"""How the contract is being kept: per policy and level, over a period.

Counts come from the stored `SlaTarget` rows with the ORM, grouped by the
request's policy and current level, for requests received in the period:

- met: the target's stored state is `met` (a late reply after a breach stays
  breached: a breach is never voided);
- breached: stored `breached`, or stored `running` with its due already past
  (overdue, even if no worker has recomputed the row yet);
- % met: met / (met + breached), the targets whose verdict is known;
- at risk: running, not yet due, with a quarter or less of its time left on
  its own clock (see `accord.web.sla_view.at_risk`), evaluated now.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet

from accord.errors import Invalid
from accord.sla import load_policy
from accord.sla.clock import TargetState as EngineState
from accord.tickets.models import Request, SlaTarget, TargetKind, TargetState
from accord.tickets.targets import policy_of
from accord.web.sla_view import at_risk

PERIODS = (7, 30, 90, 365)
DEFAULT_DAYS = 30


@dataclass
class KindCounts:
    met: int = 0
    breached: int = 0
    running: int = 0
    at_risk: int = 0

    @property
    def decided(self) -> int:
        return self.met + self.breached

    @property
    def percent_met(self) -> float | None:
        return round(100 * self.met / self.decided, 1) if self.decided else None


@dataclass
class Line:
    policy: str
    level: str
    label: str
    requests: int = 0
    first_response: KindCounts = field(default_factory=KindCounts)
    resolution: KindCounts = field(default_factory=KindCounts)

    @property
    def kinds(self) -> list[dict[str, object]]:
        """Both kinds in column order, for the template."""
        return [
            {"name": "first_response", "counts": self.first_response},
            {"name": "resolution", "counts": self.resolution},
        ]

    def kind(self, kind: str) -> KindCounts:
        return self.first_response if kind == TargetKind.FIRST_RESPONSE else self.resolution


def parse_days(value: str | None) -> int:
    if value in (None, ""):
        return DEFAULT_DAYS
    if not value.isdigit() or int(value) not in PERIODS:
        raise Invalid("days", f"expected one of {', '.join(map(str, PERIODS))}")
    return int(value)


def _line(lines: dict[tuple[str, str], Line], policy: str, level: str) -> Line:
    key = (policy, level)
    if key not in lines:
        spec = load_policy(policy)
        label = spec.level(level).label if level in spec.level_ids else level
        lines[key] = Line(policy, level, label)
    return lines[key]


def build(now: datetime, days: int) -> list[Line]:
    """One line per (policy, level) with requests received in the last `days` days."""
    since = now - timedelta(days=days)
    targets = SlaTarget.objects.filter(request__received__gte=since, request__received__lte=now)
    overdue = Q(state=TargetState.RUNNING, due__lt=now)
    grouped = targets.values("request__policy", "request__level", "kind").annotate(
        met=Count("pk", filter=Q(state=TargetState.MET)),
        breached=Count("pk", filter=Q(state=TargetState.BREACHED) | overdue),
        running=Count("pk", filter=Q(state=TargetState.RUNNING, due__gte=now)),
    )
    lines: dict[tuple[str, str], Line] = {}
    for g in grouped:
        counts = _line(lines, g["request__policy"], g["request__level"]).kind(g["kind"])
        counts.met, counts.breached, counts.running = g["met"], g["breached"], g["running"]
    received = Request.objects.filter(received__gte=since, received__lte=now)
    for r in received.values("policy", "level").annotate(n=Count("pk")):
        _line(lines, r["policy"], r["level"]).requests = r["n"]
    _count_at_risk(lines, targets.filter(state=TargetState.RUNNING, due__gte=now), now)
    return sorted(lines.values(), key=_order)


def _order(line: Line) -> tuple[str, int]:
    """Policies by name, levels in the policy's own order (most severe first)."""
    levels = load_policy(line.policy).level_ids
    return line.policy, levels.index(line.level) if line.level in levels else len(levels)


def _count_at_risk(
    lines: dict[tuple[str, str], Line], running: QuerySet[SlaTarget], now: datetime
) -> None:
    for t in running.select_related("request"):
        policy = policy_of(t.request)
        state = EngineState(
            kind=t.kind,
            state="running",
            due=t.due,
            met_at=None,
            breached_at=None,
            clock=t.clock,
            within_seconds=t.within_seconds,
            clause=t.clause,
            level=t.request.level,
        )
        if at_risk(policy, state, now):
            _line(lines, t.request.policy, t.request.level).kind(t.kind).at_risk += 1
