"""Window edges: half-open windows, due instants landing exactly on a close,
zero and sub-second amounts (semantics page, section 1)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from accord.sla import Calendar, load_policy

NY = ZoneInfo("America/New_York")
AKL = ZoneInfo("Pacific/Auckland")


def capsure() -> Calendar:
    return load_policy("capsure").calendar


def capella() -> Calendar:
    return load_policy("capella").calendar


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NY)  # type: ignore[misc]


def akl(*args: int) -> datetime:
    return datetime(*args, tzinfo=AKL)  # type: ignore[misc]


def test_it_counts_the_opening_instant_as_working() -> None:
    assert capsure().is_working(ny(2026, 11, 24, 8, 30))
    assert capella().is_working(akl(2026, 11, 24, 9, 0))


def test_it_counts_the_closing_instant_as_outside() -> None:
    assert not capsure().is_working(ny(2026, 11, 24, 17, 30))
    assert not capella().is_working(akl(2026, 11, 24, 17, 0))


def test_it_counts_the_last_second_and_microsecond_before_close_as_working() -> None:
    cal = capsure()
    close = ny(2026, 11, 24, 17, 30)
    assert cal.is_working(close - timedelta(seconds=1))
    assert cal.is_working(close - timedelta(microseconds=1))
    assert not cal.is_working(ny(2026, 11, 24, 8, 30) - timedelta(microseconds=1))


def test_it_puts_a_due_that_lands_exactly_at_close_on_that_close() -> None:
    cal = capsure()
    close = ny(2026, 11, 24, 17, 30).astimezone(UTC)
    assert cal.add(ny(2026, 11, 24, 8, 30), 9 * 3600) == close
    assert cal.add(ny(2026, 11, 24, 17, 29, 59), 1) == close
    assert cal.add(ny(2026, 11, 24, 16, 30), 3600) == close


def test_it_moves_to_the_next_opening_only_after_the_close_is_used_up() -> None:
    cal = capsure()
    assert cal.add(ny(2026, 11, 24, 17, 29, 59), 2) == ny(2026, 11, 25, 8, 30, 1)
    assert cal.add(ny(2026, 11, 24, 17, 30), 1) == ny(2026, 11, 25, 8, 30, 1)


def test_it_starts_counting_at_the_next_opening_when_started_outside_hours() -> None:
    cal = capella()
    assert cal.add(akl(2026, 11, 24, 17, 0), 3600) == akl(2026, 11, 25, 10, 0)
    assert cal.add(akl(2026, 11, 24, 3, 0), 3600) == akl(2026, 11, 24, 10, 0)
    assert cal.add(akl(2026, 11, 21, 12, 0), 3600) == akl(2026, 11, 23, 10, 0)  # Saturday


def test_it_returns_the_start_itself_in_utc_for_zero_seconds() -> None:
    cal = capsure()
    for start in (ny(2026, 11, 24, 12, 0), ny(2026, 11, 24, 22, 0), ny(2026, 11, 24, 17, 30)):
        due = cal.add(start, 0)
        assert due == start
        assert due.utcoffset() == timedelta(0)


def test_it_keeps_microseconds_of_the_start() -> None:
    cal = capsure()
    start = ny(2026, 11, 24, 17, 29, 59) + timedelta(microseconds=250_000)
    assert cal.add(start, 1) == ny(2026, 11, 25, 8, 30, 0, 250_000)


def test_it_measures_nothing_outside_hours_and_exact_spans_inside() -> None:
    cal = capsure()
    assert cal.between(ny(2026, 11, 24, 17, 30), ny(2026, 11, 25, 8, 30)) == timedelta(0)
    assert cal.between(ny(2026, 11, 24, 8, 30), ny(2026, 11, 24, 17, 30)) == timedelta(hours=9)
    assert cal.between(ny(2026, 11, 24, 17, 29, 59), ny(2026, 11, 25, 8, 30, 1)) == timedelta(
        seconds=2
    )
    assert cal.between(ny(2026, 11, 25, 8, 30), ny(2026, 11, 24, 8, 30)) == -timedelta(hours=9)


def test_it_gives_the_opening_instant_as_next_opening_and_keeps_working_instants() -> None:
    cal = capsure()
    assert cal.next_opening(ny(2026, 11, 24, 17, 30)) == ny(2026, 11, 25, 8, 30)
    assert cal.next_opening(ny(2026, 11, 25, 8, 30)) == ny(2026, 11, 25, 8, 30)
    inside = ny(2026, 11, 25, 17, 29, 59, 999_999)
    assert cal.next_opening(inside) == inside
    assert cal.next_opening(inside).tzinfo is UTC


def test_it_rejects_naive_instants_and_negative_amounts() -> None:
    cal = capsure()
    with pytest.raises(ValueError, match="naive"):
        cal.add(datetime(2026, 11, 24, 12, 0), 60)
    with pytest.raises(ValueError, match="negative"):
        cal.add(ny(2026, 11, 24, 12, 0), -1)
    with pytest.raises(ValueError, match="naive"):
        cal.is_working(datetime(2026, 11, 24, 12, 0))
