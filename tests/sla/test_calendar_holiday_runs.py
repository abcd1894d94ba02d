"""Runs of holidays: NZ Christmas-New Year 2026/27 (observed days included) for
capella, US Thanksgiving 2026 for capsure."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from accord.sla import load_policy

NY = ZoneInfo("America/New_York")
AKL = ZoneInfo("Pacific/Auckland")


def akl(*args: int) -> datetime:
    return datetime(*args, tzinfo=AKL)  # type: ignore[misc]


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NY)  # type: ignore[misc]


def test_it_closes_wellington_for_christmas_and_new_year_with_observed_days() -> None:
    cal = load_policy("capella").calendar
    found = cal.holidays_between(date(2026, 12, 24), date(2027, 1, 6))
    assert sorted(found) == [
        date(2026, 12, 25),
        date(2026, 12, 26),
        date(2026, 12, 28),  # Boxing Day (Saturday) observed on Monday
        date(2027, 1, 1),
        date(2027, 1, 2),
        date(2027, 1, 4),  # Day after New Year's Day (Saturday) observed on Monday
    ]
    assert "observed" in found[date(2026, 12, 28)]
    assert "observed" in found[date(2027, 1, 4)]
    for day in (date(2026, 12, 28), date(2027, 1, 1), date(2027, 1, 4)):
        assert not cal.is_working(akl(day.year, day.month, day.day, 12))


def test_it_skips_the_whole_nz_holiday_run() -> None:
    cal = load_policy("capella").calendar
    # Thu 24 Dec 16:00 + 2 support hours: 1 h on the 24th, then nothing until Tue 29th
    assert cal.add(akl(2026, 12, 24, 16), 2 * 3600) == akl(2026, 12, 29, 10)
    assert cal.next_opening(akl(2026, 12, 24, 17)) == akl(2026, 12, 29, 9)
    assert cal.next_opening(akl(2026, 12, 31, 17)) == akl(2027, 1, 5, 9)
    # worked example: capella low, notice Tue 29 Dec 09:00, 36 support hours
    assert cal.add(akl(2026, 12, 29, 9), 36 * 3600) == akl(2027, 1, 6, 13)
    # Tue 29, Wed 30, Thu 31 Dec and Tue 5 Jan are the only working days before the 6th
    assert cal.between(akl(2026, 12, 24, 17), akl(2027, 1, 6, 9)) == timedelta(hours=32)


def test_it_skips_thanksgiving_but_not_the_day_after() -> None:
    cal = load_policy("capsure").calendar
    assert cal.holiday_name(date(2026, 11, 26)) == "Thanksgiving Day"
    assert cal.holiday_name(date(2026, 11, 27)) is None
    assert not cal.is_working(ny(2026, 11, 26, 12))
    # worked example: capsure sev3 phoned Wed 25 Nov 17:00, 9 business hours
    assert cal.add(ny(2026, 11, 25, 17), 9 * 3600) == ny(2026, 11, 27, 17)
    assert cal.next_opening(ny(2026, 11, 25, 17, 30)) == ny(2026, 11, 27, 8, 30)
    assert cal.between(ny(2026, 11, 25, 8, 30), ny(2026, 11, 30, 8, 30)) == timedelta(hours=18)
