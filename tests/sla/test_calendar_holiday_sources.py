"""Holidays from an explicit list, the `holidays` package (with a subdivision)
and an iCalendar file, alone and combined in a calendar."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from accord.sla import Calendar, Window
from accord.sla.holiday_sources import (
    CombinedHolidays,
    ExplicitHolidays,
    IcsHolidays,
    PackageHolidays,
)

AKL = ZoneInfo("Pacific/Auckland")
WEEKDAYS_9_TO_5 = [Window(d, time(9), time(17)) for d in range(5)]

ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Accord tests//EN
BEGIN:VEVENT
UID:shutdown@example.com
SUMMARY:Summer shutdown
DTSTART;VALUE=DATE:20261224
DTEND;VALUE=DATE:20261229
END:VEVENT
BEGIN:VEVENT
UID:founders@example.com
SUMMARY:Founders' day
DTSTART;VALUE=DATE:20250303
RRULE:FREQ=YEARLY
EXDATE;VALUE=DATE:20270303
END:VEVENT
BEGIN:VEVENT
UID:offsite@example.com
SUMMARY:Team offsite
DTSTART;TZID=Pacific/Auckland:20270315T090000
DTEND;TZID=Pacific/Auckland:20270315T170000
END:VEVENT
BEGIN:VEVENT
UID:stocktake@example.com
SUMMARY:Stocktake
DTSTART:20270420T200000Z
DTEND:20270420T230000Z
END:VEVENT
BEGIN:VEVENT
UID:retreat@example.com
SUMMARY:Retreat
DTSTART;VALUE=DATE:20270607
DURATION:P2D
END:VEVENT
END:VCALENDAR
"""


@pytest.fixture
def ics_file(tmp_path: Path) -> Path:
    path = tmp_path / "holidays.ics"
    path.write_text(ICS.replace("\n", "\r\n"), encoding="utf-8")
    return path


def test_it_takes_an_explicit_list_with_or_without_names() -> None:
    named = ExplicitHolidays({date(2026, 3, 2): "Company day", date(2027, 3, 1): "Company day"})
    assert named.for_year(2026) == {date(2026, 3, 2): "Company day"}
    plain = ExplicitHolidays([date(2026, 3, 2)])
    assert list(plain.for_year(2026)) == [date(2026, 3, 2)]
    assert plain.for_year(2027) == {}


def test_it_takes_public_holidays_of_a_subdivision_from_the_package() -> None:
    wellington = PackageHolidays("NZ", "WGN")
    national = PackageHolidays("NZ")
    assert "Wellington" in wellington.for_year(2026)[date(2026, 1, 19)]
    assert "Wellington" in wellington.for_year(2027)[date(2027, 1, 25)]
    assert date(2026, 1, 19) not in national.for_year(2026)
    assert "observed" in wellington.for_year(2026)[date(2026, 12, 28)]


def test_it_can_leave_out_observed_days() -> None:
    assert date(2026, 12, 28) not in PackageHolidays("NZ", "WGN", observed=False).for_year(2026)


def test_it_reads_multi_day_all_day_events_with_an_exclusive_end(ics_file: Path) -> None:
    found = IcsHolidays(ics_file).for_year(2026)
    shutdown = [d for d, n in found.items() if n == "Summer shutdown"]
    assert shutdown == [date(2026, 12, d) for d in (24, 25, 26, 27, 28)]


def test_it_expands_yearly_rules_and_honours_exdates(ics_file: Path) -> None:
    source = IcsHolidays(ics_file)
    assert source.for_year(2025)[date(2025, 3, 3)] == "Founders' day"
    assert source.for_year(2026)[date(2026, 3, 3)] == "Founders' day"
    assert date(2027, 3, 3) not in source.for_year(2027)
    assert source.for_year(2040)[date(2040, 3, 3)] == "Founders' day"
    assert date(2024, 3, 3) not in source.for_year(2024)


def test_it_takes_the_local_date_of_a_timed_event(ics_file: Path) -> None:
    assert IcsHolidays(ics_file).for_year(2027)[date(2027, 3, 15)] == "Team offsite"
    # 20:00Z on 20 April is 08:00 on 21 April in Auckland
    in_auckland = IcsHolidays(ics_file, zone="Pacific/Auckland").for_year(2027)
    assert in_auckland[date(2027, 4, 21)] == "Stocktake"
    assert date(2027, 4, 20) not in in_auckland
    assert IcsHolidays(ics_file).for_year(2027)[date(2027, 4, 20)] == "Stocktake"


def test_it_reads_all_day_events_with_a_duration(ics_file: Path) -> None:
    found = IcsHolidays(ics_file).for_year(2027)
    assert [d for d, n in found.items() if n == "Retreat"] == [date(2027, 6, 7), date(2027, 6, 8)]


def test_it_reports_an_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot read holidays"):
        IcsHolidays(tmp_path / "missing.ics")


def test_it_closes_the_calendar_on_every_source_in_a_combination(ics_file: Path) -> None:
    source = CombinedHolidays(
        [
            ExplicitHolidays({date(2027, 2, 1): "Policy day"}),
            PackageHolidays("NZ", "WGN"),
            IcsHolidays(ics_file, zone="Pacific/Auckland"),
        ]
    )
    cal = Calendar("Pacific/Auckland", WEEKDAYS_9_TO_5, source)
    assert cal.holiday_name(date(2027, 2, 1)) == "Policy day"
    assert cal.holiday_name(date(2027, 1, 25)) == "Wellington Anniversary Day"
    assert cal.holiday_name(date(2027, 3, 15)) == "Team offsite"
    assert cal.holiday_name(date(2026, 12, 24)) == "Summer shutdown"
    # Fri 12 Mar 16:00 + 2 h: Mon 15 Mar is the offsite, so Tue 16 Mar 10:00
    start = datetime(2027, 3, 12, 16, tzinfo=AKL)
    assert cal.add(start, 7200) == datetime(2027, 3, 16, 10, tzinfo=AKL)
    # the first source to name a date wins
    assert cal.holiday_name(date(2026, 12, 25)) == "Christmas Day"
