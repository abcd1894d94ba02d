"""Random timelines: the engine agrees with a naive minute-walking clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.sla import Event, evaluate, load_policy
from accord.sla.clock import EVENT_TYPES
from accord.sla.policy_spec import CHANNELS, STATUSES
from tests.sla.naive_clock import naive_evaluate

START = datetime(2026, 11, 1, tzinfo=UTC)  # spans Thanksgiving and NZ Christmas


@st.composite
def timelines(draw: st.DrawFn) -> tuple[str, str, str, datetime, list[Event], datetime]:
    policy_name = draw(st.sampled_from(["capsure", "capella", "capella"]))
    policy = load_policy(policy_name)
    level = draw(st.sampled_from(policy.level_ids))
    channel = draw(st.sampled_from(CHANNELS))
    received = START + timedelta(minutes=draw(st.integers(0, 60 * 24 * 60)))
    t = received
    events = []
    for _ in range(draw(st.integers(0, 6))):
        t += timedelta(minutes=draw(st.integers(0, 60 * 30)))
        # Statuses are drawn more often: pauses, resolutions and reopens are where
        # the clocks are subtle.
        kind = draw(st.sampled_from(EVENT_TYPES + ("status",) * 4))
        to = None
        if kind == "status":
            to = draw(st.sampled_from(STATUSES))
        elif kind == "level":
            to = draw(st.sampled_from(policy.level_ids))
        events.append(Event(t, kind, to))
    as_of = t + timedelta(minutes=draw(st.integers(0, 60 * 48)))
    return policy_name, level, channel, received, events, as_of


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(timelines())
def test_it_agrees_with_the_naive_clock(
    case: tuple[str, str, str, datetime, list[Event], datetime],
) -> None:
    policy_name, level, channel, received, events, as_of = case
    policy = load_policy(policy_name)
    ev = evaluate(policy, level, channel, received, events, as_of)
    notice, naive = naive_evaluate(policy, level, channel, received, events, as_of)
    assert ev.notice == notice
    for kind, state in ev.targets.items():
        expected = naive[kind]
        if expected is None:
            assert state is None, kind
            continue
        assert state is not None, kind
        got = (state.state, state.met_at, state.breached_at)
        assert got == (expected.state, expected.met_at, expected.breached_at), kind
        if state.state == "running":
            assert state.due == expected.due, kind
