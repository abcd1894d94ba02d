"""The warning instant of a target: when a share of its own clock has been consumed.

A target's clock is a list of runs (see `clock`); the warning falls where the
runs' working time reaches `percent`% of the target's duration, counted on the
target's own clock. So a business-hours target warns inside business hours by
construction, and a pause moves the warning exactly as it moves the due.
"""

from __future__ import annotations

from datetime import datetime

from accord.sla.calendar import US, from_us, to_us
from accord.sla.clock import TargetState
from accord.sla.policy import Policy

DEFAULT_PERCENT = 75


def warning_at(
    policy: Policy, state: TargetState, percent: int = DEFAULT_PERCENT
) -> datetime | None:
    """The instant `percent`% of the target's clock is consumed; None once it has a verdict
    or while it is paused short of that share."""
    if state.state not in ("running", "paused") or not state.runs:
        return None
    if not 0 < percent < 100:
        raise ValueError(f"the warning share is a percentage between 1 and 99, not {percent}")
    share = state.within_seconds * US * percent // 100
    business = state.clock == "business"
    calendar = policy.calendar
    consumed = 0
    for start, stop in state.runs:
        a = to_us(start)
        left = share - consumed
        if stop is None:
            return from_us(calendar.add_us(a, left) if business else a + left)
        b = to_us(stop)
        part = calendar.between_us(a, b) if business else b - a
        if part >= left:
            return from_us(calendar.add_us(a, left) if business else a + left)
        consumed += part
    return None
