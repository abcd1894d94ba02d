"""Where a calendar's holidays come from.

A holiday removes a whole *local* date from working time. Sources answer by
year, so a calendar can be extended lazily to any year without reading
everything up front. Each source also names its holidays, for `explain` and
`accord policy show`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Protocol


class HolidaySource(Protocol):
    def for_year(self, year: int) -> dict[date, str]:
        """Holidays falling in `year`, each with its name."""
        ...


class ExplicitHolidays:
    """A fixed list of dates written in the policy file."""

    def __init__(self, dates: Mapping[date, str] | Iterable[date]) -> None:
        if isinstance(dates, Mapping):
            self._dates = dict(dates)
        else:
            self._dates = {d: "Holiday (policy list)" for d in dates}

    def for_year(self, year: int) -> dict[date, str]:
        return {d: n for d, n in self._dates.items() if d.year == year}


class PackageHolidays:
    """Public holidays from the `holidays` package, observed days included.

    `observed=True` keeps the package's "(observed)" substitute days: when a
    holiday falls on a weekend the following weekday is off (NZ Boxing Day
    2026 is observed on Monday 28 December).
    """

    def __init__(self, country: str, subdivision: str | None = None, observed: bool = True):
        self.country = country
        self.subdivision = subdivision
        self.observed = observed
        self._cache: dict[int, dict[date, str]] = {}

    def for_year(self, year: int) -> dict[date, str]:
        if year not in self._cache:
            import holidays

            table = holidays.country_holidays(
                self.country, subdiv=self.subdivision, observed=self.observed, years=year
            )
            self._cache[year] = {d: str(n) for d, n in table.items() if d.year == year}
        return self._cache[year]


class IcsHolidays:
    """Holidays from an iCalendar file: every date a VEVENT covers is off.

    All-day events cover [DTSTART, DTEND) (DTEND exclusive, as RFC 5545 says);
    a timed event covers the local date of its start. RRULEs are expanded.
    """

    def __init__(self, path: Path) -> None:
        import icalendar

        self.path = path
        try:
            self._cal = icalendar.Calendar.from_ical(path.read_bytes())
        except (OSError, ValueError) as exc:
            raise ValueError(f"cannot read holidays from {path}: {exc}") from exc
        self._cache: dict[int, dict[date, str]] = {}

    def for_year(self, year: int) -> dict[date, str]:
        if year not in self._cache:
            self._cache[year] = self._expand(year)
        return self._cache[year]

    def _expand(self, year: int) -> dict[date, str]:
        from dateutil.rrule import rrulestr

        found: dict[date, str] = {}
        for event in self._cal.walk("VEVENT"):
            name = str(event.get("SUMMARY", "Holiday (calendar file)"))
            start = event.decoded("DTSTART")
            first = start.date() if isinstance(start, datetime) else start
            length = 1
            if "DTEND" in event and not isinstance(start, datetime):
                length = max(1, (event.decoded("DTEND") - first).days)
            starts = [first]
            if "RRULE" in event:
                rule = rrulestr(
                    event["RRULE"].to_ical().decode(),
                    dtstart=datetime.combine(first, datetime.min.time()),
                )
                window = (datetime(year - 1, 12, 1), datetime(year, 12, 31))
                starts = [d.date() for d in rule.between(*window, inc=True)]
            for day0 in starts:
                for k in range(length):
                    day = day0 + timedelta(days=k)
                    if day.year == year:
                        found.setdefault(day, name)
        return found


class CombinedHolidays:
    """The union of several sources; the first one to name a date wins."""

    def __init__(self, sources: Iterable[HolidaySource]) -> None:
        self.sources = list(sources)

    def for_year(self, year: int) -> dict[date, str]:
        merged: dict[date, str] = {}
        for source in self.sources:
            for day, name in source.for_year(year).items():
                merged.setdefault(day, name)
        return merged
