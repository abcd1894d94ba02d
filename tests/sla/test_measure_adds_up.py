"""Measured times add up: a time brought forward in two parts equals one measured at
once, on both clocks, whatever the microseconds of the instants (accord.sla.measure).

The reports store `paused_seconds` as of `computed_at` and add the time since; with
each span floored on its own, the sum came out a second short of a replay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from accord.sla import load_policy
from accord.sla.measure import on_clock

START = datetime(2026, 11, 1, tzinfo=UTC)
instants = st.integers(min_value=0, max_value=40 * 24 * 3600 * 10**6).map(
    lambda us: START + timedelta(microseconds=us)
)


@settings(max_examples=300, deadline=None)
@given(
    policy=st.sampled_from(["capella", "capsure"]),
    clock=st.sampled_from(["elapsed", "business"]),
    points=st.lists(instants, min_size=3, max_size=3).map(sorted),
)
def test_it_adds_spans_exactly(policy: str, clock: str, points: list[datetime]) -> None:
    p = load_policy(policy)
    a, b, c = points
    assert on_clock(p, clock, a, b) + on_clock(p, clock, b, c) == on_clock(p, clock, a, c)


def test_it_counts_each_instant_at_its_whole_second() -> None:
    p = load_policy("capella")
    a = datetime(2026, 11, 1, 0, 0, 0, 600_000, tzinfo=UTC)
    b = datetime(2026, 11, 1, 0, 0, 1, 300_000, tzinfo=UTC)
    c = datetime(2026, 11, 1, 0, 0, 2, 100_000, tzinfo=UTC)
    # Floored span by span this was 0 + 0 against 1 for the whole.
    assert on_clock(p, "elapsed", a, b) == 1
    assert on_clock(p, "elapsed", b, c) == 1
    assert on_clock(p, "elapsed", a, c) == 2
