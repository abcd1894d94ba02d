"""The batch API (`add_many_us`, `add_many`) gives exactly the scalar answers."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.sla import Calendar, Window, load_policy
from accord.sla.calendar import from_us, to_us
from accord.sla.holiday_sources import ExplicitHolidays
from tests.sla.reference import WindowSpec, business_seconds, probes, random_calendars

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FIRST_US = to_us(datetime(2025, 1, 1, tzinfo=UTC))
LAST_US = to_us(datetime(2029, 1, 1, tzinfo=UTC))


@pytest.mark.parametrize("name", ["capsure", "capella"])
@SETTINGS
@given(data=st.data())
def test_it_adds_many_datetimes_like_add(name: str, data: st.DataObject) -> None:
    cal = load_policy(name).calendar
    windows: list[WindowSpec] = [(w.weekday, w.open, w.close) for w in cal.windows]
    starts = data.draw(st.lists(probes(cal.zone_name, windows), max_size=40))
    seconds = data.draw(st.lists(business_seconds(), min_size=len(starts), max_size=len(starts)))
    assert cal.add_many(starts, seconds) == [
        cal.add(t, s) for t, s in zip(starts, seconds, strict=True)
    ]


@SETTINGS
@given(
    spec=random_calendars(),
    seed=st.integers(0, 2**32 - 1),
    size=st.sampled_from([1, 7, 511, 512, 3000, 70_000]),
)
def test_it_adds_many_microsecond_instants_like_add_us(
    spec: tuple[str, list[WindowSpec], frozenset[date]], seed: int, size: int
) -> None:
    zone, windows, holidays = spec
    cal = Calendar(zone, [Window(*w) for w in windows], ExplicitHolidays(holidays))
    rng = np.random.default_rng(seed)
    starts = rng.integers(FIRST_US, LAST_US, size, dtype=np.int64)
    starts[::3] -= starts[::3] % 60_000_000  # some on whole minutes, where windows open
    seconds = rng.choice([0, 1, 3600, 8 * 3600, 36 * 3600, 72 * 3600, 123_457], size)
    got = cal.add_many_us(starts, seconds)
    picks = rng.choice(size, min(size, 300), replace=False)  # the scalar path is the slow one
    for k in picks:
        assert got[k] == cal.add_us(int(starts[k]), int(seconds[k]) * 1_000_000)


def test_it_adds_one_amount_to_many_instants() -> None:
    cal = load_policy("capella").calendar
    rng = np.random.default_rng(7)
    starts = rng.integers(FIRST_US, LAST_US, 5000, dtype=np.int64)
    got = cal.add_many_us(starts, 36 * 3600)
    assert [int(u) for u in got] == [cal.add_us(int(t), 36 * 3600 * 1_000_000) for t in starts]
    assert cal.add_many_us(starts[:0], 3600).shape == (0,)


def test_it_extends_the_calendar_for_a_batch_that_runs_past_it() -> None:
    cal = Calendar(
        "America/New_York",
        [Window(d, time(8, 30), time(17, 30)) for d in range(5)],
        ExplicitHolidays([]),
    )
    start = datetime(2030, 12, 30, 15, tzinfo=UTC)
    got = cal.add_many([start, start - timedelta(days=2000)], [5000 * 3600, 3600])
    assert got == [cal.add(start, 5000 * 3600), cal.add(start - timedelta(days=2000), 3600)]
    assert got[0].year == 2033


def test_it_refuses_negative_amounts_in_a_batch() -> None:
    cal = load_policy("capsure").calendar
    with pytest.raises(ValueError, match="negative"):
        cal.add_many_us(np.array([FIRST_US, FIRST_US], dtype=np.int64), np.array([5, -1]))


def test_it_round_trips_microseconds_exactly() -> None:
    for us in (0, 1, -1, 1_790_000_000_123_456, -946_684_800_000_001):
        assert to_us(from_us(us)) == us
    assert to_us(datetime(1969, 12, 31, 23, 59, 59, 500_000, tzinfo=UTC)) == -500_000
