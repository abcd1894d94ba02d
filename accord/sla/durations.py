"""Durations as the policy files write them.

Two clocks exist: *elapsed* (real time, UTC arithmetic) and *business* (working
time of the policy's calendar). A duration is always a whole number of seconds
on one of them; business days are converted with the calendar's nominal day
(capsure: "1 day" = 9 business hours), so no float hours ever appear.

Accepted forms (case-insensitive, whitespace-tolerant)::

    "4h"  "90m"  "2h30m"  "45s"  "30d"          elapsed
    "1 hour"  "8 hours"  "30 days"  "15 minutes"  elapsed
    "9 business hours"  "36 support hours"      business
    "2 business days"  "1 support day"          business, times the nominal day
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Clock = Literal["elapsed", "business"]

DURATION_HINT = 'expected a duration like "4h" or "9 business hours"'

_COMPACT = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
_WORDS = re.compile(r"^(\d+)\s+(?:(business|support)\s+)?(second|minute|hour|day|week)s?$")
_UNIT_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800}


@dataclass(frozen=True, slots=True)
class Duration:
    """A whole number of seconds on one clock."""

    seconds: int
    clock: Clock

    def describe(self) -> str:
        """Human wording, e.g. "9 business hours" or "2 hours"."""
        prefix = "business " if self.clock == "business" else ""
        return f"{format_seconds(self.seconds, prefix)}"


def format_seconds(seconds: int, prefix: str = "") -> str:
    """ "1 hour", "9 business hours", "1 hour 30 minutes"; exact, never rounded."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(f"{hours} {prefix}hour{'s' if hours != 1 else ''}")
        prefix = ""
    if minutes:
        parts.append(f"{minutes} {prefix}minute{'s' if minutes != 1 else ''}")
        prefix = ""
    if secs or not parts:
        parts.append(f"{secs} {prefix}second{'s' if secs != 1 else ''}")
    return " ".join(parts)


def parse_duration(text: str, nominal_day_seconds: int | None = None) -> Duration:
    """Parse one duration; raises ValueError(DURATION_HINT) on anything else.

    A business *day* needs `nominal_day_seconds`; without it the text is rejected
    with a message saying so.
    """
    raw = text.strip().lower()
    compact = _COMPACT.match(raw.replace(" ", ""))
    if raw and compact and any(compact.groups()):
        d, h, m, s = (int(g) if g else 0 for g in compact.groups())
        return Duration(d * 86400 + h * 3600 + m * 60 + s, "elapsed")
    words = _WORDS.match(re.sub(r"\s+", " ", raw))
    if not words:
        raise ValueError(DURATION_HINT)
    amount, business, unit = int(words.group(1)), words.group(2), words.group(3)
    if not business:
        return Duration(amount * _UNIT_SECONDS[unit], "elapsed")
    if unit in ("day", "week"):
        if nominal_day_seconds is None:
            raise ValueError("business days need calendar.nominal_day to be set")
        per = nominal_day_seconds * (5 if unit == "week" else 1)
        return Duration(amount * per, "business")
    return Duration(amount * _UNIT_SECONDS[unit], "business")
