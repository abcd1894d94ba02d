"""Queries far outside the compiled years (2024-2030 by default) extend the
calendar lazily, in both directions, with the same answers as the reference."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from accord.sla import Calendar, Window, load_policy
from accord.sla.holiday_sources import ExplicitHolidays
from tests.sla.reference import NaiveCalendar, holidays_of

FAR = [
    datetime(2040, 12, 24, 15, 0, tzinfo=UTC),
    datetime(2040, 3, 15, 21, 17, 5, tzinfo=UTC),
    datetime(1999, 12, 31, 20, 0, tzinfo=UTC),
    datetime(1999, 7, 2, 3, 4, tzinfo=UTC),
]


def reference(name: str) -> tuple[Calendar, NaiveCalendar]:
    policy = load_policy(name)
    cal = Calendar(
        policy.calendar.zone_name, policy.calendar.windows, policy.calendar.holidays
    )  # a fresh calendar, compiled for 2024-2030 only
    windows = [(w.weekday, w.open, w.close) for w in cal.windows]
    return cal, NaiveCalendar(cal.zone_name, windows, holidays_of(cal.holidays))


@pytest.mark.parametrize("name", ["capsure", "capella"])
@pytest.mark.parametrize("t", FAR)
def test_it_answers_far_from_the_compiled_years_like_the_reference(name: str, t: datetime) -> None:
    cal, ref = reference(name)
    assert cal.is_working(t) == ref.is_working(t)
    assert cal.next_opening(t) == ref.next_opening(t)
    for seconds in (1, 8 * 3600, 72 * 3600):
        assert cal.add(t, seconds) == ref.add(t, seconds)
    assert cal.between(t, t + timedelta(days=9)) == ref.between(t, t + timedelta(days=9))


def test_it_names_holidays_of_far_years() -> None:
    cal, _ = reference("capella")
    assert cal.holiday_name(date(2040, 12, 25)) == "Christmas Day"
    assert cal.holiday_name(date(1999, 12, 27)) is not None  # Boxing Day (observed)


def test_it_extends_forward_when_a_due_runs_past_the_compiled_years() -> None:
    cal, ref = reference("capsure")
    start = datetime(2030, 12, 20, 15, 0, tzinfo=UTC)
    assert cal.add(start, 72 * 3600) == ref.add(start, 72 * 3600)
    # 1000 business hours (about six months) from the last compiled week
    due = cal.add(start, 1000 * 3600)
    assert due.year == 2031
    assert cal.between(start, due) == timedelta(hours=1000)


def test_it_is_real_elapsed_time_over_decades_for_an_always_open_calendar() -> None:
    always = Calendar(
        "Pacific/Auckland", [Window(d, time(0), time.max) for d in range(7)], ExplicitHolidays([])
    )
    a = datetime(1999, 3, 1, 12, tzinfo=UTC)
    b = datetime(2041, 10, 1, 12, tzinfo=UTC)
    assert always.between(a, b) == b - a
    assert always.add(a, int((b - a).total_seconds())) == b


def test_it_refuses_to_compile_more_than_two_centuries() -> None:
    cal = Calendar("UTC", [Window(0, time(9), time(17))], ExplicitHolidays([]))
    eight_hours_a_week_for_250_years = 8 * 3600 * 52 * 250
    with pytest.raises(ValueError, match="unreasonably wide"):
        cal.add(datetime(2026, 1, 1, tzinfo=UTC), eight_hours_a_week_for_250_years)
    with pytest.raises(ValueError, match="unreasonably wide"):
        cal.is_working(datetime(2300, 1, 1, tzinfo=UTC))
