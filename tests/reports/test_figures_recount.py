"""The report's figures equal a brute-force recount over the event log.

The report reads stored targets with one query; the recount here replays every
request of the organisation through the engine as of now, classifies each
target itself and computes its own percentiles. Random histories, several
seeds, both policies, months, a quarter and custom dates.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

import pytest
from desk.conftest import FrozenClock
from desk.personas import Desk, ny, nz

from accord.contracts.models import Organization
from accord.reports import figures, periods
from accord.sla import load_policy
from accord.sla.measure import paused_seconds, taken_seconds
from accord.tickets.models import Request
from accord.tickets.targets import evaluate_request, policy_of, targets_apply

from .generate import history


def recount(org: Organization, period: periods.Period, now: datetime) -> dict[str, Any]:
    zone = load_policy(org.policy).zone
    lines: dict[tuple[str, str, str], dict[str, Any]] = defaultdict(
        lambda: {"targets": 0, "met": 0, "breached": 0, "open": 0, "paused": 0, "times": []}
    )
    breaches = set()
    received = 0
    for req in Request.objects.filter(organization=org):
        local_day = req.received.astimezone(zone).date()
        if not period.first <= local_day <= period.last:
            continue
        received += 1
        if not targets_apply(req):
            continue
        policy = policy_of(req)
        ev = evaluate_request(req, now)
        for kind, state in ev.targets.items():
            if state is None:
                continue
            line = lines[(state.level, kind, state.clause)]
            line["targets"] += 1
            found = state.state if state.state in ("met", "breached") else "open"
            line[found] += 1
            taken = taken_seconds(policy, state)
            if taken is not None:
                line["times"].append(taken)
            line["paused"] += paused_seconds(policy, state, now)
            if found == "breached":
                breaches.add((req.number, kind, state.breached_at))
    return {"lines": dict(lines), "breaches": breaches, "received": received}


def rank(values: list[int], fraction: float) -> int | None:
    if not values:
        return None
    ordered = sorted(values)
    index = math.ceil(fraction * len(ordered)) - 1
    return ordered[index if index >= 0 else 0]


def assert_equal(report: figures.Report, brute: dict[str, Any]) -> None:
    assert report.requests == brute["received"]
    got = {(ln.level, ln.kind, ln.clause): ln for ln in report.lines}
    assert set(got) == set(brute["lines"])
    for key, want in brute["lines"].items():
        line = got[key]
        assert (line.targets, line.met, line.breached, line.open) == (
            want["targets"],
            want["met"],
            want["breached"],
            want["open"],
        ), key
        assert line.paused_seconds == want["paused"], key
        assert line.median_seconds == rank(want["times"], 0.5), key
        assert line.p90_seconds == rank(want["times"], 0.9), key
        decided = want["met"] + want["breached"]
        expected = round(100 * want["met"] / decided, 1) if decided else None
        assert line.percent_met == expected, key
    assert {(b.number, b.kind, b.breached_at) for b in report.breaches} == brute["breaches"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_figures_equal_a_brute_force_recount(desk: Desk, clock: FrozenClock, seed: int) -> None:
    rng = random.Random(seed)
    start = clock.at
    history(rng, desk.lead, desk.mere, count=30, first=nz(2026, 9, 25, 0), last=start, now=start)
    history(rng, desk.lead, desk.sam, count=30, first=ny(2026, 9, 25, 0), last=start, now=start)
    # Later: time alone moves running targets past their due, paused ones stay paused.
    for later in (start, start + timedelta(hours=5), start + timedelta(days=9)):
        clock.set(later)
        for org in (desk.kiwi, desk.gate):
            zone = load_policy(org.policy).zone
            for key in ("2026-10", "2026-11", "2026-Q4", "2026-10-15..2026-11-03"):
                period = periods.parse(key, zone)
                assert_equal(figures.build(org, period, later), recount(org, period, later))


def test_the_recount_sees_every_verdict(desk: Desk, clock: FrozenClock) -> None:
    """The generated data exercises met, breached, open, late-met and paused targets."""
    rng = random.Random(7)
    history(
        rng, desk.lead, desk.mere, count=40, first=nz(2026, 10, 1, 0), last=clock.at, now=clock.at
    )
    report = figures.build(
        desk.kiwi, periods.parse("2026-Q4", load_policy("capella").zone), clock.at
    )
    assert sum(ln.met for ln in report.lines) > 0
    assert sum(ln.breached for ln in report.lines) > 0
    assert sum(ln.open for ln in report.lines) > 0
    assert sum(ln.paused_seconds for ln in report.lines) > 0
    assert any(b.met_at is not None for b in report.breaches)  # met late, still a breach
