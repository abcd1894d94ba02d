"""Business calendars compiled to UTC working intervals.

A `Calendar` is an IANA zone, weekly windows in local wall time and holidays as
whole local dates. It is compiled, a range of years at a time, into a sorted
list of disjoint UTC intervals `[start, end)` (in integer microseconds since
the epoch) with the cumulative working time before each one. Every query is
then a binary search:

- `add(t, seconds)`: the earliest instant at which `seconds` of working time
  have elapsed since `t`. When the last second ends exactly at a close, the
  answer is that close, not the next opening (semantics page, section 1).
- `between(a, b)`: working time in `[a, b)`.
- `is_working(t)`: `t` lies in a window; windows are half-open, so the close
  instant itself is outside.
- `next_opening(t)`: `t` if working, else the start of the next window.

DST: windows are local wall times converted with `zoneinfo` day by day, so a
08:30 window opens at 08:30 local on both sides of a transition (a 9-hour day
stays 9 hours). A window edge that falls in a spring-forward gap resolves with
fold=0 (the pre-transition offset, i.e. one hour later on the wall clock); one
in a repeated autumn hour resolves to its first occurrence.

The compiled range grows lazily (both directions) when a query leaves it.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from accord.sla.holiday_sources import HolidaySource

US = 1_000_000  # microseconds per second
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_YEARS = 200  # a calendar with no working time in 200 years is a mistake


def to_us(t: datetime) -> int:
    """An aware datetime as integer microseconds since the epoch."""
    if t.tzinfo is None:
        raise ValueError(f"naive datetime {t.isoformat()}: an instant needs a UTC offset")
    return int(t.timestamp()) * US + t.microsecond if t.microsecond else int(t.timestamp()) * US


def from_us(us: int) -> datetime:
    """Integer microseconds since the epoch as an aware UTC datetime."""
    return _EPOCH + timedelta(microseconds=us)


@dataclass(frozen=True, slots=True)
class Window:
    """One weekly window: weekday 0=Monday, local wall times, open < close."""

    weekday: int
    open: time
    close: time  # time.max stands for 24:00


@dataclass(frozen=True, slots=True)
class Segment:
    """A compiled working interval, for explanations."""

    start: datetime
    end: datetime


class Calendar:
    """A business calendar; see the module docstring for the contract."""

    def __init__(
        self,
        zone: str,
        windows: Sequence[Window],
        holidays: HolidaySource,
        *,
        nominal_day_seconds: int | None = None,
        first_year: int = 2024,
        last_year: int = 2030,
    ) -> None:
        self.zone_name = zone
        self.zone = ZoneInfo(zone)
        self.holidays = holidays
        self.nominal_day_seconds = nominal_day_seconds
        self.windows = tuple(sorted(windows, key=lambda w: (w.weekday, w.open)))
        self._by_weekday: dict[int, list[Window]] = {d: [] for d in range(7)}
        for w in self.windows:
            self._by_weekday[w.weekday].append(w)
        if not self.windows:
            raise ValueError("a calendar needs at least one weekly window")
        self._holiday_names: dict[date, str] = {}
        self._first_year = first_year
        self._last_year = first_year - 1
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._cum_before: list[int] = [0]  # n + 1 entries: the last is the total
        self._cum_end: list[int] = []
        self._np: tuple[npt.NDArray[np.int64], ...] | None = None
        self._lo_us = self._hi_us = 0
        self._extend_to(first_year, last_year)

    # -- compilation -------------------------------------------------------

    def _day_intervals(self, day: date) -> list[tuple[int, int]]:
        if day in self._holiday_names:
            return []
        out = []
        for w in self._by_weekday[day.weekday()]:
            start = datetime.combine(day, w.open, tzinfo=self.zone)
            if w.close == time.max:
                end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.zone)
            else:
                end = datetime.combine(day, w.close, tzinfo=self.zone)
            a, b = to_us(start), to_us(end)
            if b > a:
                out.append((a, b))
        return out

    def _compile_years(self, y0: int, y1: int) -> list[tuple[int, int]]:
        for year in range(y0, y1 + 1):
            self._holiday_names.update(self.holidays.for_year(year))
        intervals: list[tuple[int, int]] = []
        day = date(y0, 1, 1)
        last = date(y1, 12, 31)
        while day <= last:
            intervals.extend(self._day_intervals(day))
            day += timedelta(days=1)
        merged: list[tuple[int, int]] = []
        for a, b in sorted(intervals):
            if merged and a <= merged[-1][1]:  # touching windows form one interval
                merged[-1] = (merged[-1][0], max(merged[-1][1], b))
            else:
                merged.append((a, b))
        return merged

    def _extend_to(self, y0: int, y1: int) -> None:
        """Compile years [y0, y1] in addition to what is compiled already."""
        lo, hi = min(y0, self._first_year), max(y1, self._last_year)
        if hi - lo > _MAX_YEARS:
            raise ValueError(f"calendar range {lo}-{hi} is unreasonably wide")
        pieces: list[tuple[int, int]] = []
        if lo < self._first_year:
            pieces += self._compile_years(lo, self._first_year - 1)
        pieces += list(zip(self._starts, self._ends, strict=True))
        if hi > self._last_year:
            pieces += self._compile_years(max(self._last_year + 1, lo), hi)
        self._first_year, self._last_year = lo, hi
        self._lo_us = to_us(datetime(lo, 1, 1, tzinfo=self.zone))
        self._hi_us = to_us(datetime(hi + 1, 1, 1, tzinfo=self.zone))
        self._starts = [a for a, _ in pieces]
        self._ends = [b for _, b in pieces]
        cum = [0]
        for a, b in pieces:
            cum.append(cum[-1] + (b - a))
        self._cum_before = cum
        self._cum_end = cum[1:]
        self._np = None

    def _year_of(self, us: int) -> int:
        return from_us(us).astimezone(self.zone).year

    def _cover(self, lo_us: int, hi_us: int) -> None:
        """Make sure [lo_us, hi_us] lies inside the compiled years (with a year of margin)."""
        if lo_us >= self._lo_us and hi_us < self._hi_us:
            return
        self._extend_to(self._year_of(lo_us) - 1, self._year_of(hi_us) + 1)

    def _ensure_total(self, worked_target: int) -> None:
        while worked_target > self._cum_before[-1]:
            before = self._cum_before[-1]
            self._extend_to(self._first_year, self._last_year + 5)
            if self._cum_before[-1] == before and self._last_year - self._first_year > _MAX_YEARS:
                raise ValueError("calendar has no working time ahead")

    # -- scalar queries ----------------------------------------------------

    def _worked_before(self, us: int) -> int:
        i = bisect.bisect_right(self._ends, us)
        if i < len(self._starts) and self._starts[i] < us:
            return self._cum_before[i] + (us - self._starts[i])
        return self._cum_before[i]

    def add_us(self, start_us: int, seconds_us: int) -> int:
        """`add` on integer microseconds."""
        if seconds_us <= 0:
            if seconds_us < 0:
                raise ValueError("cannot add negative working time")
            return start_us
        if not (self._lo_us <= start_us < self._hi_us):
            self._cover(start_us, start_us)
        target = self._worked_before(start_us) + seconds_us
        if target > self._cum_before[-1]:
            self._ensure_total(target)
        j = bisect.bisect_left(self._cum_end, target)
        return self._ends[j] - (self._cum_end[j] - target)

    def add(self, start: datetime, seconds: int) -> datetime:
        """Earliest instant at which `seconds` working seconds have passed since `start`."""
        return from_us(self.add_us(to_us(start), seconds * US))

    def between_us(self, a_us: int, b_us: int) -> int:
        """Working microseconds in [a, b); negative when b < a."""
        if b_us < a_us:
            return -self.between_us(b_us, a_us)
        self._cover(a_us, b_us)
        return self._worked_before(b_us) - self._worked_before(a_us)

    def between(self, a: datetime, b: datetime) -> timedelta:
        """Working time in [a, b) as an exact timedelta (negative when b < a)."""
        return timedelta(microseconds=self.between_us(to_us(a), to_us(b)))

    def is_working_us(self, us: int) -> bool:
        self._cover(us, us)
        i = bisect.bisect_right(self._starts, us) - 1
        return i >= 0 and us < self._ends[i]

    def is_working(self, t: datetime) -> bool:
        """True when `t` lies inside a window (opening included, close excluded)."""
        return self.is_working_us(to_us(t))

    def next_opening_us(self, us: int) -> int:
        self._cover(us, us)
        while True:
            i = bisect.bisect_right(self._ends, us)
            if i < len(self._starts):
                return max(us, self._starts[i])
            self._extend_to(self._first_year, self._last_year + 5)

    def next_opening(self, t: datetime) -> datetime:
        """`t` itself when working, otherwise the start of the next window."""
        us = to_us(t)
        opening = self.next_opening_us(us)
        return t.astimezone(UTC) if opening == us else from_us(opening)

    # -- explanations ------------------------------------------------------

    def segments(self, a: datetime, b: datetime) -> Iterator[Segment]:
        """The working intervals intersecting [a, b), clipped to it."""
        a_us, b_us = to_us(a), to_us(b)
        self._cover(a_us, b_us)
        i = bisect.bisect_right(self._ends, a_us)
        while i < len(self._starts) and self._starts[i] < b_us:
            yield Segment(from_us(max(a_us, self._starts[i])), from_us(min(b_us, self._ends[i])))
            i += 1

    def holiday_name(self, day: date) -> str | None:
        """The name of the holiday on local date `day`, if it is one."""
        if not (self._first_year <= day.year <= self._last_year):
            self._extend_to(day.year, day.year)
        return self._holiday_names.get(day)

    def holidays_between(self, first: date, last: date) -> dict[date, str]:
        """Holidays on local dates first..last inclusive."""
        if first.year < self._first_year or last.year > self._last_year:
            self._extend_to(first.year, last.year)
        return {d: n for d, n in sorted(self._holiday_names.items()) if first <= d <= last}

    def weekly_windows(self) -> Mapping[int, list[Window]]:
        return self._by_weekday

    # -- batch -------------------------------------------------------------

    def _arrays(self) -> tuple[npt.NDArray[np.int64], ...]:
        if self._np is None:
            self._np = (
                np.asarray(self._starts, dtype=np.int64),
                np.asarray(self._ends, dtype=np.int64),
                np.asarray(self._cum_before, dtype=np.int64),
                np.asarray(self._cum_end, dtype=np.int64),
            )
        return self._np

    def add_many_us(
        self, starts_us: npt.NDArray[np.int64], seconds: npt.NDArray[np.int64] | int
    ) -> npt.NDArray[np.int64]:
        """Vectorised `add`: microsecond instants in, microsecond due instants out."""
        t = np.asarray(starts_us, dtype=np.int64)
        s = np.broadcast_to(np.asarray(seconds, dtype=np.int64) * US, t.shape)
        if t.size == 0:
            return t.copy()
        if (s < 0).any():
            raise ValueError("cannot add negative working time")
        self._cover(int(t.min()), int(t.max()))
        st, en, cb, ce = self._arrays()
        i = np.searchsorted(en, t, side="right")
        ic = np.minimum(i, len(st) - 1)
        inside = (i < len(st)) & (st[ic] < t)
        target = cb[i] + np.where(inside, t - st[ic], 0) + s
        top = int(target.max())
        if top > int(cb[-1]):
            self._ensure_total(top)
            return self.add_many_us(t, np.asarray(seconds))
        j = np.searchsorted(ce, target, side="left")
        due = en[j] - (ce[j] - target)
        return np.where(s == 0, t, due)

    def add_many(self, starts: Sequence[datetime], seconds: Sequence[int] | int) -> list[datetime]:
        """Vectorised `add` on datetimes (conversion at the edges only)."""
        arr = np.fromiter((to_us(t) for t in starts), dtype=np.int64, count=len(starts))
        secs = np.asarray(seconds, dtype=np.int64)
        return [from_us(int(u)) for u in self.add_many_us(arr, secs)]
