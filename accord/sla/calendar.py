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

The scalar methods are the hot path of the CLI and the desk, and the batch
methods (`add_many_us`) of recomputing every open request after a calendar
change; docs/performance.md describes how they are made fast. Both give the
same answers, held to a naive minute-walking reference by the tests.
"""

from __future__ import annotations

from bisect import bisect_left as _bisect_left
from bisect import bisect_right as _bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

if TYPE_CHECKING:  # NumPy is imported only by the batch path: it costs 0.1 s at start-up
    import numpy as np
    import numpy.typing as npt

from accord.sla.holiday_sources import HolidaySource

US = 1_000_000  # microseconds per second
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_US = timedelta(microseconds=1)
_MAX_YEARS = 200  # a calendar with no working time in 200 years is a mistake
_SENTINEL_US = 2**62  # later than any instant a datetime can hold
_SORT_KEYS_FROM = 512  # batches this large are searched in sorted order
_SORT_CHUNK = 32_768


def to_us(t: datetime) -> int:
    """An aware datetime as integer microseconds since the epoch (exact, no floats)."""
    if t.tzinfo is None:
        raise ValueError(f"naive datetime {t.isoformat()}: an instant needs a UTC offset")
    try:
        d = t - _EPOCH
    except TypeError:  # a tzinfo whose utcoffset() is None
        raise ValueError(f"datetime {t.isoformat()} has no UTC offset") from None
    return (d.days * 86_400 + d.seconds) * US + d.microseconds


def from_us(us: int) -> datetime:
    """Integer microseconds since the epoch as an aware UTC datetime."""
    return _EPOCH + _ONE_US * us


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
        self._q: tuple[int, int, int, list[int], list[int], list[int], list[int], list[int]]
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
        base = [c - a for c, a in zip(cum, self._starts, strict=False)]
        base.append(cum[-1] - _SENTINEL_US)  # i == n: worked time is the total
        self._q = (
            self._lo_us,
            self._hi_us,
            cum[-1],
            self._starts,
            self._ends,
            self._cum_before,
            self._cum_end,
            base,
        )
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
    #
    # The hot paths read the compiled state from one tuple (`self._q`), bind
    # `bisect` as a module global and convert datetimes with integer timedelta
    # arithmetic. `base[i] = cum_before[i] - starts[i]` (with a sentinel at
    # index n), so the working time before `t`, when `i` is the first interval
    # ending after `t`, is `max(cum_before[i], t + base[i])`, and the instant at
    # which the cumulative working time reaches `w` inside interval `j` is
    # `w - base[j]`.

    def _worked_before(self, us: int) -> int:
        _, _, _, _, ends, cum_before, _, base = self._q
        i = _bisect_right(ends, us)
        worked = us + base[i]
        cb = cum_before[i]
        return worked if worked > cb else cb

    def add_us(self, start_us: int, seconds_us: int) -> int:
        """`add` on integer microseconds."""
        if seconds_us <= 0:
            if seconds_us < 0:
                raise ValueError("cannot add negative working time")
            return start_us
        if not (self._q[0] <= start_us < self._q[1]):
            self._cover(start_us, start_us)
        target = self._worked_before(start_us) + seconds_us
        if target > self._q[2]:
            self._ensure_total(target)
        _, _, _, _, _, _, cum_end, base = self._q
        j = _bisect_left(cum_end, target)
        return target - base[j]

    def add(self, start: datetime, seconds: int) -> datetime:
        """Earliest instant at which `seconds` working seconds have passed since `start`."""
        if start.tzinfo is None:
            raise ValueError(f"naive datetime {start.isoformat()}: an instant needs a UTC offset")
        try:
            d = start - _EPOCH
        except TypeError:
            raise ValueError(f"datetime {start.isoformat()} has no UTC offset") from None
        t = (d.days * 86_400 + d.seconds) * US + d.microseconds
        lo, hi, total, _, ends, cum_before, cum_end, base = self._q
        if seconds > 0 and lo <= t < hi:
            i = _bisect_right(ends, t)
            worked = t + base[i]
            cb = cum_before[i]
            target = (worked if worked > cb else cb) + seconds * US
            if target <= total:
                if target <= cum_end[i]:  # due inside the interval of `t` (or the next one)
                    return _EPOCH + _ONE_US * (target - base[i])
                j = _bisect_left(cum_end, target, i + 1)
                return _EPOCH + _ONE_US * (target - base[j])
        return _EPOCH + _ONE_US * self.add_us(t, seconds * US)

    def between_us(self, a_us: int, b_us: int) -> int:
        """Working microseconds in [a, b); negative when b < a."""
        if b_us < a_us:
            return -self.between_us(b_us, a_us)
        if not (self._q[0] <= a_us and b_us < self._q[1]):
            self._cover(a_us, b_us)
        _, _, _, _, ends, cum_before, _, base = self._q
        i = _bisect_right(ends, b_us)
        worked = b_us + base[i]
        cb = cum_before[i]
        wb = worked if worked > cb else cb
        i = _bisect_right(ends, a_us)
        worked = a_us + base[i]
        cb = cum_before[i]
        return wb - (worked if worked > cb else cb)

    def between(self, a: datetime, b: datetime) -> timedelta:
        """Working time in [a, b) as an exact timedelta (negative when b < a)."""
        if a.tzinfo is None or b.tzinfo is None:
            return _ONE_US * self.between_us(to_us(a), to_us(b))  # raises the usual error
        try:
            da, db = a - _EPOCH, b - _EPOCH
        except TypeError:
            return _ONE_US * self.between_us(to_us(a), to_us(b))
        a_us = (da.days * 86_400 + da.seconds) * US + da.microseconds
        b_us = (db.days * 86_400 + db.seconds) * US + db.microseconds
        lo, hi, _, _, ends, cum_before, _, base = self._q
        if not (lo <= a_us <= b_us < hi):
            return _ONE_US * self.between_us(a_us, b_us)
        i = _bisect_right(ends, b_us)
        worked = b_us + base[i]
        cb = cum_before[i]
        wb = worked if worked > cb else cb
        i = _bisect_right(ends, a_us)
        worked = a_us + base[i]
        cb = cum_before[i]
        return _ONE_US * (wb - (worked if worked > cb else cb))

    def is_working_us(self, us: int) -> bool:
        if not (self._q[0] <= us < self._q[1]):
            self._cover(us, us)
        _, _, _, starts, ends, _, _, _ = self._q
        i = _bisect_right(ends, us)
        return i < len(starts) and starts[i] <= us

    def is_working(self, t: datetime) -> bool:
        """True when `t` lies inside a window (opening included, close excluded)."""
        return self.is_working_us(to_us(t))

    def next_opening_us(self, us: int) -> int:
        if not (self._q[0] <= us < self._q[1]):
            self._cover(us, us)
        while True:
            _, _, _, starts, ends, _, _, _ = self._q
            i = _bisect_right(ends, us)
            if i < len(starts):
                start = starts[i]
                return start if start > us else us
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
        i = _bisect_right(self._ends, a_us)
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
        """(ends, cum_before, cum_end, base) as NumPy arrays, built once per compilation."""
        import numpy as np

        if self._np is None:
            _, _, _, _, ends, cum_before, cum_end, base = self._q
            self._np = (
                np.asarray(ends, dtype=np.int64),
                np.asarray(cum_before, dtype=np.int64),
                np.asarray(cum_end, dtype=np.int64),
                np.asarray(base, dtype=np.int64),
            )
        return self._np

    def add_many_us(
        self, starts_us: npt.NDArray[np.int64], seconds: npt.NDArray[np.int64] | int
    ) -> npt.NDArray[np.int64]:
        """Vectorised `add`: microsecond instants in, microsecond due instants out.

        `seconds` is one whole number of seconds for every start, or an array
        of them shaped like `starts_us`. Same algorithm as the scalar `add`.
        """
        import numpy as np

        t = np.asarray(starts_us, dtype=np.int64)
        if t.size == 0:
            return t.copy()
        s = np.asarray(seconds, dtype=np.int64) * US
        if s.ndim and s.shape != t.shape:
            s = np.broadcast_to(s, t.shape)
        if s.min() < 0:
            raise ValueError("cannot add negative working time")
        self._cover(int(t.min()), int(t.max()))
        en, cb, ce, base = self._arrays()
        i = _search(en, t, "right")
        target = base[i]
        target += t
        np.maximum(target, cb[i], out=target)  # working time before each start
        target += s
        if int(target.max()) > self._q[2]:
            self._ensure_total(int(target.max()))
            return self.add_many_us(t, seconds)
        target -= base[_search(ce, target, "left")]
        zero = s == 0
        if zero.any():
            np.copyto(target, t, where=zero)
        return target

    def next_opening_many_us(self, us: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Vectorised `next_opening_us`: each instant itself when working, else the
        start of the next window."""
        import numpy as np

        t = np.asarray(us, dtype=np.int64)
        if t.size == 0:
            return t.copy()
        self._cover(int(t.min()), int(t.max()))
        while True:
            i = _search(self._arrays()[0], t, "right")
            if int(i.max()) < len(self._starts):
                break
            self._extend_to(self._first_year, self._last_year + 5)
        starts = np.asarray(self._starts, dtype=np.int64)
        return np.maximum(starts[i], t)

    def is_working_many_us(self, us: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        """Vectorised `is_working_us`: inside a window (opening in, close out)."""
        import numpy as np

        t = np.asarray(us, dtype=np.int64)
        if t.size == 0:
            return np.zeros(0, dtype=bool)
        self._cover(int(t.min()), int(t.max()))
        i = _search(self._arrays()[0], t, "right")
        starts = np.append(np.asarray(self._starts, dtype=np.int64), _SENTINEL_US)
        return starts[i] <= t

    def add_many(self, starts: Sequence[datetime], seconds: Sequence[int] | int) -> list[datetime]:
        """Vectorised `add` on datetimes (conversion at the edges only)."""
        import numpy as np

        arr = np.fromiter((to_us(t) for t in starts), dtype=np.int64, count=len(starts))
        secs = np.asarray(seconds, dtype=np.int64)
        return [from_us(int(u)) for u in self.add_many_us(arr, secs)]


def _search(
    sorted_values: npt.NDArray[np.int64],
    keys: npt.NDArray[np.int64],
    side: Literal["left", "right"],
) -> npt.NDArray[np.intp]:
    """`np.searchsorted` for keys in any order, any shape.

    NumPy's binary search is several times faster on sorted keys (it narrows
    each search with the previous answer), so large batches are searched in
    sorted order and the answers put back in the callers' order.
    """
    import numpy as np

    if keys.size < _SORT_KEYS_FROM:
        return np.searchsorted(sorted_values, keys, side=side)
    flat = keys.ravel()
    found = np.empty(flat.shape, dtype=np.intp)
    for a in range(0, flat.size, _SORT_CHUNK):  # chunks that stay in the CPU cache
        chunk = flat[a : a + _SORT_CHUNK]
        order = np.argsort(chunk)
        found[a : a + _SORT_CHUNK][order] = np.searchsorted(sorted_values, chunk[order], side=side)
    return found.reshape(keys.shape)
