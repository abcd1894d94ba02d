"""How long a target's clock ran and how long it stood still, on its own clock.

The report's times (docs/reports.md) are measured the way the target itself is:
working time of the policy's calendar for a business target, wall-clock time
for an elapsed one. A `TargetState` from `evaluate` carries its runs (the
intervals during which its clock counted), so both figures follow from it:

- `taken_seconds`: from notice to the instant the target was met (also when it
  was met late, after a breach), the runs' time summed. None until it is met.
- `paused_seconds`: the time between runs (waiting on the customer), up to the
  meeting instant, or up to `as_of` while the clock is stopped and unmet.

Whole seconds: each instant counts at its whole second (microseconds dropped)
before anything is measured, so the figures add up exactly. A paused time
brought forward later (`stored + on_clock(computed_at, now)`, as the reports
do) equals the one measured at once; flooring each span instead would lose up
to a second per split when instants carry microseconds.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from accord.sla.clock import TargetState
from accord.sla.policy import Policy

_SECOND = timedelta(seconds=1)


def on_clock(policy: Policy, clock: str, a: datetime, b: datetime) -> int:
    """Seconds in [a, b) on an elapsed or business clock (negative when b < a), with
    both instants taken at their whole second: additive, on_clock(a, b) +
    on_clock(b, c) == on_clock(a, c), whatever the microseconds."""
    a, b = a.replace(microsecond=0), b.replace(microsecond=0)
    span = (b - a) if clock == "elapsed" else policy.calendar.between(a, b)
    return span // _SECOND


def taken_seconds(policy: Policy, state: TargetState) -> int | None:
    """Time on the target's clock from notice to its meeting instant; None if unmet."""
    if state.met_at is None:
        return None
    return sum(on_clock(policy, state.clock, a, b) for a, b in state.runs if b is not None)


def paused_seconds(policy: Policy, state: TargetState, as_of: datetime) -> int:
    """Time on the target's clock between its runs (and since the last one while stopped)."""
    total = 0
    runs = state.runs
    for (_, end), (start, _) in zip(runs, runs[1:], strict=False):
        if end is not None:
            total += on_clock(policy, state.clock, end, start)
    last_end = runs[-1][1] if runs else None
    if state.met_at is None and last_end is not None and as_of > last_end:
        total += on_clock(policy, state.clock, last_end, as_of)
    return total
