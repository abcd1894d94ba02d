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
from typing import Any, Protocol
from zoneinfo import ZoneInfo


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

    All-day events cover [DTSTART, DTEND) (DTEND exclusive, as RFC 5545 says;
    a DURATION of whole days works too, and an event with neither covers its
    start date). A timed event covers the local date of its start: local to
    `zone` when one is given (the calendar's zone), else to the event's own
    TZID. RRULEs are expanded; EXDATEs remove occurrences.
    """

    def __init__(self, path: Path, zone: str | None = None) -> None:
        import icalendar

        self.path = path
        self.zone = ZoneInfo(zone) if zone else None
        try:
            self._cal = icalendar.Calendar.from_ical(path.read_bytes())
        except (OSError, ValueError) as exc:
            raise ValueError(f"cannot read holidays from {path}: {exc}") from exc
        self._cache: dict[int, dict[date, str]] = {}

    def for_year(self, year: int) -> dict[date, str]:
        if year not in self._cache:
            self._cache[year] = self._expand(year)
        return self._cache[year]

    def _local_date(self, value: date | datetime) -> date:
        if isinstance(value, datetime):
            if self.zone is not None and value.tzinfo is not None:
                value = value.astimezone(self.zone)
            return value.date()
        return value

    def _expand(self, year: int) -> dict[date, str]:
        from dateutil.rrule import rrulestr

        found: dict[date, str] = {}
        for event in self._cal.walk("VEVENT"):
            name = str(event.get("SUMMARY", "Holiday (calendar file)"))
            start = event.decoded("DTSTART")
            first = self._local_date(start)
            length = 1
            if not isinstance(start, datetime):
                if "DTEND" in event:
                    length = max(1, (event.decoded("DTEND") - first).days)
                elif "DURATION" in event:
                    length = max(1, event.decoded("DURATION").days)
            starts = [first]
            if "RRULE" in event:
                text = event["RRULE"].to_ical()
                rule = rrulestr(
                    text.decode() if isinstance(text, bytes) else str(text),
                    dtstart=datetime.combine(first, datetime.min.time()),
                    ignoretz=True,
                )
                window = (datetime(year - 1, 12, 1), datetime(year, 12, 31))
                starts = [d.date() for d in rule.between(*window, inc=True)]
            excluded = self._exdates(event)
            for day0 in starts:
                if day0 in excluded:
                    continue
                for k in range(length):
                    day = day0 + timedelta(days=k)
                    if day.year == year:
                        found.setdefault(day, name)
        return found

    def _exdates(self, event: Any) -> set[date]:
        raw = event.get("EXDATE")
        if raw is None:
            return set()
        out: set[date] = set()
        for prop in raw if isinstance(raw, list) else [raw]:
            for value in prop.dts:
                out.add(self._local_date(value.dt))
        return out


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
