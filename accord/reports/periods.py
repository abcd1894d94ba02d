"""Contract periods: a month, a quarter or custom dates, in the policy's zone.

A period is written `2026-11` (a month), `2026-Q4` (a quarter) or
`2026-11-01..2026-11-15` (custom dates, both included). Its bounds are local
midnights of the organisation's policy zone, as the contract reads them, so
November in Auckland starts at 2026-10-31T11:00Z. Requests belong to the period
they were received in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from accord.errors import Invalid

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_CUSTOM = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")
MAX_DAYS = 366 * 3


@dataclass(frozen=True)
class Period:
    """Local dates `first`..`last` (both included) in `zone`."""

    key: str
    first: date
    last: date
    zone: ZoneInfo

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), self.zone)

    @property
    def end(self) -> datetime:
        """The instant just after the period (exclusive bound)."""
        return datetime.combine(self.last + timedelta(days=1), time(), self.zone)

    @property
    def label(self) -> str:
        if _MONTH.match(self.key):
            return self.first.strftime("%B %Y")
        if _QUARTER.match(self.key):
            return f"Q{(self.first.month - 1) // 3 + 1} {self.first.year}"
        return f"{self.first.isoformat()} to {self.last.isoformat()}"

    def in_zone(self, zone: ZoneInfo) -> Period:
        return Period(self.key, self.first, self.last, zone)

    def previous(self) -> Period:
        """The period of the same kind just before (months and quarters), or of the same length."""
        if _MONTH.match(self.key):
            return month(self.first - timedelta(days=1), self.zone)
        if _QUARTER.match(self.key):
            return parse(_quarter_key(self.first - timedelta(days=1)), self.zone)
        days = (self.last - self.first).days + 1
        first = self.first - timedelta(days=days)
        return parse(f"{first}..{self.first - timedelta(days=1)}", self.zone)


def month(day: date, zone: ZoneInfo) -> Period:
    first = day.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return Period(first.strftime("%Y-%m"), first, nxt - timedelta(days=1), zone)


def _quarter_key(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def months_back(period: Period, count: int) -> list[Period]:
    """`count` months ending with the month `period` ends in, oldest first."""
    out = [month(period.last, period.zone)]
    while len(out) < count:
        out.insert(0, out[0].previous())
    return out


def parse(
    text: str | None, zone: ZoneInfo, *, today: date | None = None, field: str = "period"
) -> Period:
    """A period from its text; empty means the month of `today`. Invalid names `field`."""
    text = (text or "").strip()
    if not text:
        return month(today or date.today(), zone)
    try:
        if m := _MONTH.match(text):
            return month(date(int(m.group(1)), int(m.group(2)), 1), zone)
        if m := _QUARTER.match(text):
            q = int(m.group(2))
            first = date(int(m.group(1)), 3 * q - 2, 1)
            last = month(date(first.year, 3 * q, 1), zone).last
            return Period(f"{first.year}-Q{q}", first, last, zone)
        if m := _CUSTOM.match(text):
            first, last = date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))
            if last < first:
                raise Invalid(field, "the period ends before it starts")
            if (last - first).days > MAX_DAYS:
                raise Invalid(field, f"at most {MAX_DAYS} days")
            return Period(text, first, last, zone)
    except ValueError:
        raise Invalid(field, f"no such date in {text!r}") from None
    raise Invalid(
        field, "expected a month (2026-11), a quarter (2026-Q4) or dates (2026-11-01..2026-11-15)"
    )
