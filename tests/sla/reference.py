"""A deliberately naive business calendar, to check the compiled `Calendar` against.

Nothing here is compiled, merged, cumulated or bisected. Time is walked one UTC
minute at a time; each minute is looked at on the local wall clock:

- an instant is working when its local date is not a holiday and the local wall
  time lies in `[open, close)` of a window of that weekday (`time.max` = 24:00);
- when a window edge does not exist on that date (it falls in a spring-forward
  gap) or exists twice (a fall-back hour), the wall clock alone cannot say when
  the window opens or closes. There the documented rule applies: the edge is
  the instant `datetime.combine(day, edge, tzinfo=zone)` (fold=0, RFC 5545's
  reading), and the window is `[open instant, close instant)`.

All zones used in the tests have whole-minute offsets, so window edges fall on
UTC minute boundaries and a minute is either wholly working or wholly not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

MINUTE = timedelta(minutes=1)
WindowSpec = tuple[int, time, time]  # weekday (0 = Monday), open, close (time.max = 24:00)


class NaiveCalendar:
    """The reference: a zone, weekly windows and a holiday predicate."""

    def __init__(
        self,
        zone: str,
        windows: Iterable[WindowSpec],
        is_holiday: Callable[[date], bool],
    ) -> None:
        self.zone = ZoneInfo(zone)
        self.windows = list(windows)
        self.is_holiday = is_holiday
        self._rules: dict[date, list[tuple[bool, datetime | time, datetime | time]]] = {}

    # -- one instant -------------------------------------------------------

    def _edge(self, day: date, edge: time) -> datetime:
        if edge == time.max:
            return datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.zone)
        return datetime.combine(day, edge, tzinfo=self.zone)

    def _is_clean(self, day: date, edge: time) -> bool:
        """The wall time `edge` happens exactly once on `day`."""
        if edge == time.max:
            day, edge = day + timedelta(days=1), time(0)
        first = datetime.combine(day, edge, tzinfo=self.zone)
        second = first.replace(fold=1)
        exists = first.astimezone(UTC).astimezone(self.zone).replace(tzinfo=None) == (
            first.replace(tzinfo=None)
        )
        return exists and first.utcoffset() == second.utcoffset()

    def _day_rules(self, day: date) -> list[tuple[bool, datetime | time, datetime | time]]:
        """Per window of `day`: (by wall clock?, open, close)."""
        rules = self._rules.get(day)
        if rules is None:
            rules = []
            for weekday, open_, close in self.windows:
                if weekday != day.weekday():
                    continue
                if self._is_clean(day, open_) and self._is_clean(day, close):
                    rules.append((True, open_, close))
                else:
                    rules.append((False, self._edge(day, open_), self._edge(day, close)))
            self._rules[day] = rules
        return rules

    def is_working(self, t: datetime) -> bool:
        local = t.astimezone(self.zone)
        day = local.date()
        if self.is_holiday(day):
            return False
        wall = local.time().replace(tzinfo=None)
        for by_wall, open_, close in self._day_rules(day):
            if by_wall:
                assert isinstance(open_, time) and isinstance(close, time)
                if open_ <= wall and (close == time.max or wall < close):
                    return True
            else:
                assert isinstance(open_, datetime) and isinstance(close, datetime)
                if open_ <= t < close:
                    return True
        return False

    # -- walking minutes ---------------------------------------------------

    @staticmethod
    def _next_minute(t: datetime) -> datetime:
        return t.replace(second=0, microsecond=0) + MINUTE

    def add(self, start: datetime, seconds: int, limit_minutes: int = 2_000_000) -> datetime:
        """Walk minute by minute until `seconds` of working time have passed."""
        t = start.astimezone(UTC)
        remaining = timedelta(seconds=seconds)
        if not remaining:
            return t
        for _ in range(limit_minutes):
            nxt = self._next_minute(t)
            if self.is_working(t):
                if remaining <= nxt - t:
                    return t + remaining
                remaining -= nxt - t
            t = nxt
        raise AssertionError(f"no {seconds}s of working time within {limit_minutes} minutes")

    def between(self, a: datetime, b: datetime) -> timedelta:
        """Working time in [a, b), negative when b < a."""
        if b < a:
            return -self.between(b, a)
        t, end, total = a.astimezone(UTC), b.astimezone(UTC), timedelta(0)
        while t < end:
            nxt = min(self._next_minute(t), end)
            if self.is_working(t):
                total += nxt - t
            t = nxt
        return total

    def next_opening(self, t: datetime, limit_minutes: int = 2_000_000) -> datetime:
        t = t.astimezone(UTC)
        for _ in range(limit_minutes):
            if self.is_working(t):
                return t
            t = self._next_minute(t)
        raise AssertionError(f"no opening within {limit_minutes} minutes")


def holidays_of(source: object) -> Callable[[date], bool]:
    """A holiday predicate from a `HolidaySource` (anything with `for_year`)."""
    years: dict[int, set[date]] = {}

    def is_holiday(day: date) -> bool:
        if day.year not in years:
            years[day.year] = set(source.for_year(day.year))  # type: ignore[attr-defined]
        return day in years[day.year]

    return is_holiday


# -- hypothesis strategies shared by the calendar tests ----------------------

FIRST = datetime(2025, 1, 1, tzinfo=UTC)
LAST = datetime(2028, 12, 31, 23, 59, tzinfo=UTC)

# Zones whose transitions happen between 01:00 and 03:00 local (so every local
# date has one midnight) and whose offsets are whole minutes.
ZONES = (
    "America/New_York",
    "Pacific/Auckland",
    "Europe/London",
    "Australia/Lord_Howe",  # a 30-minute DST shift
    "Asia/Kolkata",  # +05:30, no DST
    "UTC",
)


def instants(first: datetime = FIRST, last: datetime = LAST) -> st.SearchStrategy[datetime]:
    """Aware UTC instants: mostly on whole minutes (where window edges are), some
    on whole seconds, some with microseconds."""
    span_minutes = int((last - first) / MINUTE)
    minutes = st.integers(0, span_minutes).map(lambda m: first + m * MINUTE)
    return st.one_of(
        minutes,
        st.tuples(minutes, st.integers(0, 59)).map(lambda p: p[0] + timedelta(seconds=p[1])),
        st.tuples(minutes, st.integers(0, 59_999_999)).map(
            lambda p: p[0] + timedelta(microseconds=p[1])
        ),
    )


def business_seconds(max_hours: int = 80) -> st.SearchStrategy[int]:
    """Targets as the product uses them, plus arbitrary amounts."""
    return st.one_of(
        st.sampled_from([0, 1, 59, 60, 3600, 8 * 3600, 9 * 3600, 36 * 3600, 72 * 3600]),
        st.integers(0, max_hours * 3600),
    )


@st.composite
def window_specs(draw: st.DrawFn) -> list[WindowSpec]:
    """Several windows per weekday (overlapping or touching at times), minute
    precision, some a minute long, some ending at 24:00.

    Monday to Friday always have working time, so walking minutes stays short."""
    out: list[WindowSpec] = []
    for weekday in range(7):
        for _ in range(draw(st.integers(1 if weekday < 5 else 0, 3))):
            a = draw(st.integers(0, 1439))
            b = min(1440, a + draw(st.one_of(st.integers(1, 3), st.integers(1, 720))))
            close = time.max if b == 1440 else time(b // 60, b % 60)
            out.append((weekday, time(a // 60, a % 60), close))
    return out


@st.composite
def near_edges(draw: st.DrawFn, zone: str, windows: list[WindowSpec]) -> datetime:
    """Instants at, just before and just after window edges (either fold)."""
    day = draw(st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31)))
    edges = [e for w, o, c in windows if w == day.weekday() for e in (o, c)] or [time(0)]
    edge = draw(st.sampled_from(edges))
    if edge == time.max:
        day, edge = day + timedelta(days=1), time(0)
    fold = draw(st.sampled_from([0, 0, 0, 1]))
    at = datetime.combine(day, edge, tzinfo=ZoneInfo(zone)).replace(fold=fold)
    offset = draw(st.sampled_from([0, 0, 0, -1, 1, -1_000_000, 1_000_000, -60_000_000]))
    return at.astimezone(UTC) + timedelta(microseconds=offset)


def probes(zone: str, windows: list[WindowSpec]) -> st.SearchStrategy[datetime]:
    """Random instants and instants near window edges, half and half."""
    return st.one_of(instants(), near_edges(zone, windows))


@st.composite
def random_calendars(draw: st.DrawFn) -> tuple[str, list[WindowSpec], frozenset[date]]:
    """(zone, windows, explicit holidays) with holidays inside 2025-2028."""
    zone = draw(st.sampled_from(ZONES))
    windows = draw(window_specs())
    holidays = draw(
        st.frozensets(
            st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31)), max_size=40
        )
    )
    return zone, windows, holidays
