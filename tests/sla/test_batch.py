"""The batch path equals the scalar engine: `evaluate_many` vs `evaluate`, case by case."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.sla import Event, evaluate, load_policy
from accord.sla.batch import Case, evaluate_many
from accord.sla.errors import SlaInputError
from accord.sla.policy_spec import CHANNELS
from tests.sla.test_clock_against_naive import timelines

START = datetime(2026, 11, 1, tzinfo=UTC)


@st.composite
def one_run_timelines(draw: st.DrawFn, policy_name: str) -> Case:
    """Timelines the array path takes: replies, notes, non-pausing statuses, resolution."""
    policy = load_policy(policy_name)
    received = START + timedelta(minutes=draw(st.integers(0, 60 * 24 * 400)))
    t = received
    events = []
    for _ in range(draw(st.integers(0, 5))):
        t += timedelta(minutes=draw(st.integers(0, 60 * 40)))
        kind = draw(
            st.sampled_from(
                ["agent_reply", "auto_reply", "internal_note", "customer_reply", "status"]
            )
        )
        to = draw(st.sampled_from(["resolved", "closed"])) if kind == "status" else None
        events.append(Event(t, kind, to))
    return Case(
        draw(st.sampled_from(policy.level_ids)), draw(st.sampled_from(CHANNELS)), received, events
    )


def _same(policy_name: str, cases: list[Case], as_of: datetime) -> int:
    policy = load_policy(policy_name)
    batch = evaluate_many(policy, cases, as_of)
    expected = [evaluate(policy, c.level, c.channel, c.received, c.events, as_of) for c in cases]
    assert batch.evaluations == expected
    return batch.vector


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(timelines(), min_size=1, max_size=30), st.integers(0, 60 * 24 * 30))
def test_it_equals_the_scalar_engine_on_random_timelines(cases, later: int) -> None:
    as_of = max(c[5] for c in cases) - timedelta(minutes=later)  # some events come after it
    for name in ("capsure", "capella"):
        mine = [Case(level, ch, rec, evs) for p, level, ch, rec, evs, _ in cases if p == name]
        _same(name, mine, as_of)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["capsure", "capella"]).flatmap(
        lambda p: st.tuples(st.just(p), st.lists(one_run_timelines(p), min_size=1, max_size=40))
    ),
    st.integers(0, 60 * 24 * 500),
)
def test_it_takes_the_array_path_for_one_run_timelines_and_still_agrees(drawn, minutes) -> None:
    name, cases = drawn
    vector = _same(name, cases, START + timedelta(minutes=minutes))
    assert vector == len(cases)


def test_it_sends_pauses_level_changes_and_reopens_to_the_scalar_engine() -> None:
    t0 = datetime(2026, 11, 23, 20, tzinfo=UTC)  # Mon 09:00 NZDT
    step = timedelta(hours=1)
    cases = [
        Case("high", "email", t0, [Event(t0 + step, "status", "waiting_on_customer")]),
        Case("high", "email", t0, [Event(t0 + step, "level", "urgent")]),
        Case(
            "high",
            "email",
            t0,
            [Event(t0 + step, "status", "resolved"), Event(t0 + 2 * step, "status", "open")],
        ),
        Case("high", "email", t0, [Event(t0 + step, "agent_reply")]),
    ]
    assert _same("capella", cases, t0 + 10 * step) == 1


def test_it_names_the_case_with_bad_input() -> None:
    t0 = datetime(2026, 11, 23, 20, tzinfo=UTC)
    cases = [Case("high", "email", t0), Case("colossal", "email", t0)]
    with pytest.raises(SlaInputError) as err:
        evaluate_many(load_policy("capella"), cases, t0)
    assert err.value.field == "cases[1].level"


def test_a_reply_exactly_at_the_due_is_met_and_a_microsecond_later_breached() -> None:
    policy = load_policy("capsure")
    t0 = datetime(2026, 11, 23, 15, tzinfo=UTC)  # Mon 10:00 in New York, in hours
    due = evaluate(policy, "sev2", "email", t0, [], t0).first_response.due  # type: ignore[union-attr]
    cases = [
        Case("sev2", "email", t0, [Event(due, "agent_reply")]),
        Case("sev2", "email", t0, [Event(due + timedelta(microseconds=1), "agent_reply")]),
    ]
    batch = evaluate_many(policy, cases, due + timedelta(days=1))
    assert [e.first_response.state for e in batch.evaluations] == ["met", "breached"]  # type: ignore[union-attr]
    assert _same("capsure", cases, due + timedelta(days=1)) == 2
