"""Both zones' DST transitions 2025-2028.

Windows are local wall time, so a business day keeps its length across a
transition and a window that contains the transition hour is an hour shorter
(spring) or longer (autumn) in real time. A window edge that does not exist
(spring-forward gap) resolves with the offset before the gap, i.e. one hour
later on the wall clock; an edge that happens twice (the repeated autumn hour)
is its first occurrence (RFC 5545's reading, written in calendar.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from accord.sla import Calendar, Window, load_policy
from accord.sla.holiday_sources import ExplicitHolidays
from tests.sla.reference import NaiveCalendar

H = timedelta(hours=1)

# (zone, local date of the transition, wall clock hours gained: -1 spring, +1 autumn)
TRANSITIONS = [
    ("America/New_York", date(2025, 3, 9), -1),
    ("America/New_York", date(2025, 11, 2), +1),
    ("America/New_York", date(2026, 3, 8), -1),
    ("America/New_York", date(2026, 11, 1), +1),
    ("America/New_York", date(2027, 3, 14), -1),
    ("America/New_York", date(2027, 11, 7), +1),
    ("America/New_York", date(2028, 3, 12), -1),
    ("America/New_York", date(2028, 11, 5), +1),
    ("Pacific/Auckland", date(2025, 4, 6), +1),
    ("Pacific/Auckland", date(2025, 9, 28), -1),
    ("Pacific/Auckland", date(2026, 4, 5), +1),
    ("Pacific/Auckland", date(2026, 9, 27), -1),
    ("Pacific/Auckland", date(2027, 4, 4), +1),
    ("Pacific/Auckland", date(2027, 9, 26), -1),
    ("Pacific/Auckland", date(2028, 4, 2), +1),
    ("Pacific/Auckland", date(2028, 9, 24), -1),
]
POLICY_OF = {"America/New_York": "capsure", "Pacific/Auckland": "capella"}


def at(zone: str, day: date, hh: int, mm: int = 0, fold: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=ZoneInfo(zone)).replace(fold=fold)


def sunday_calendar(zone: str, open_: time, close: time) -> Calendar:
    return Calendar(zone, [Window(6, open_, close)], ExplicitHolidays([]))


@pytest.mark.parametrize(("zone", "day", "shift"), TRANSITIONS)
def test_it_lists_real_transitions(zone: str, day: date, shift: int) -> None:
    before = at(zone, day, 0).utcoffset()
    after = at(zone, day + timedelta(days=1), 0).utcoffset()
    assert before is not None and after is not None
    assert (before - after) // H == shift
    assert day.weekday() == 6


@pytest.mark.parametrize(("zone", "day", "shift"), TRANSITIONS)
def test_it_keeps_business_days_their_length_around_a_transition(
    zone: str, day: date, shift: int
) -> None:
    cal = load_policy(POLICY_OF[zone]).calendar
    friday, monday = day - timedelta(days=2), day + timedelta(days=1)
    open_h, close_h = (8, 17) if zone == "America/New_York" else (9, 17)
    open_m, close_m = (30, 30) if zone == "America/New_York" else (0, 0)
    length = timedelta(hours=close_h - open_h, minutes=close_m - open_m)
    for d in (friday, monday):
        if cal.holiday_name(d) is None:
            a, b = at(zone, d, open_h, open_m), at(zone, d, close_h, close_m)
            assert cal.between(a, b) == length
            assert cal.add(a, int(length.total_seconds())) == b
    # the weekend across the transition adds nothing, whatever its real length
    fri_close = at(zone, friday, close_h, close_m)
    assert cal.between(fri_close, at(zone, monday, open_h, open_m)) == timedelta(0)
    if cal.holiday_name(monday) is None:
        assert cal.add(fri_close - timedelta(seconds=1), 2) == at(
            zone, monday, open_h, open_m
        ) + timedelta(seconds=1)


@pytest.mark.parametrize(("zone", "day", "shift"), TRANSITIONS)
def test_it_makes_a_whole_day_window_23_or_25_real_hours(zone: str, day: date, shift: int) -> None:
    cal = sunday_calendar(zone, time(0), time.max)
    start, end = at(zone, day, 0), at(zone, day + timedelta(days=1), 0)
    assert cal.between(start, end) == (24 + shift) * H
    assert cal.add(start, (24 + shift) * 3600) == end.astimezone(UTC)
    assert cal.next_opening(end) == at(zone, day + timedelta(days=7), 0)


@pytest.mark.parametrize(("zone", "day", "shift"), TRANSITIONS)
def test_it_counts_real_time_in_a_window_straddling_the_transition(
    zone: str, day: date, shift: int
) -> None:
    cal = sunday_calendar(zone, time(1), time(4))
    opening = at(zone, day, 1)
    assert cal.between(opening, at(zone, day, 4)) == (3 + shift) * H
    assert cal.add(opening, (3 + shift) * 3600) == at(zone, day, 4).astimezone(UTC)
    # one real hour after the opening
    assert cal.add(opening, 3600) == (opening.astimezone(UTC) + H)


@pytest.mark.parametrize(("zone", "day", "shift"), TRANSITIONS)
def test_it_agrees_with_the_wall_clock_reference_on_transition_days(
    zone: str, day: date, shift: int
) -> None:
    specs = [(6, time(0), time(1, 30)), (6, time(1), time(4)), (6, time(3, 15), time.max)]
    specs += [(0, time(8, 30), time(17, 30)), (5, time(23), time.max)]
    cal = Calendar(zone, [Window(*w) for w in specs], ExplicitHolidays([]))
    ref = NaiveCalendar(zone, specs, lambda d: False)
    saturday = at(zone, day - timedelta(days=1), 22)
    for minutes in range(0, 60 * 36, 7):
        t = saturday + timedelta(minutes=minutes)
        assert cal.is_working(t) == ref.is_working(t), t
        assert cal.add(t, 5400) == ref.add(t, 5400), t
    assert cal.between(saturday, saturday + 48 * H) == ref.between(saturday, saturday + 48 * H)


def test_it_opens_a_window_whose_edge_is_skipped_one_wall_hour_later() -> None:
    zone, day = "America/New_York", date(2026, 3, 8)  # 02:00 EST -> 03:00 EDT
    cal = sunday_calendar(zone, time(2, 30), time(5))
    assert not cal.is_working(at(zone, day, 3, 15))
    assert cal.next_opening(at(zone, day, 1)) == at(zone, day, 3, 30)
    assert cal.between(at(zone, day, 0), at(zone, day, 6)) == timedelta(hours=1, minutes=30)


def test_it_opens_a_window_whose_edge_repeats_at_its_first_occurrence() -> None:
    zone, day = "America/New_York", date(2026, 11, 1)  # 02:00 EDT -> 01:00 EST
    cal = sunday_calendar(zone, time(1, 30), time(3))
    first = at(zone, day, 1, 30, fold=0).astimezone(UTC)  # 05:30Z (an ambiguous wall time
    assert cal.next_opening(at(zone, day, 0)) == first  # never equals across zones, PEP 495)
    assert first == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert cal.is_working(at(zone, day, 1, 10, fold=1))  # the repeated hour, window open
    assert cal.between(at(zone, day, 0), at(zone, day, 6)) == timedelta(hours=2, minutes=30)


def test_it_adds_across_the_auckland_spring_gap_in_real_time() -> None:
    zone, day = "Pacific/Auckland", date(2026, 9, 27)  # 02:00 NZST -> 03:00 NZDT
    cal = sunday_calendar(zone, time(0), time.max)
    assert cal.add(at(zone, day, 1, 30), 3600) == at(zone, day, 3, 30)
    assert cal.between(at(zone, day, 1, 30), at(zone, day, 3, 30)) == H
