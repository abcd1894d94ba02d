"""SLA transitions: what changed in a target, recorded once, and verdicts that stay.

`store_targets` (accord.tickets.targets) calls `settle` for each kind with the
stored row as it was (read under the request row lock) and the engine's new
state; `settle` returns the values to store and the transitions to record.
Both the services (a reply meets a target) and the worker's sweep (a due
passes) go through it, so a transition is found by whoever changes the row
first, under the lock, and never twice: the second finds the row already moved.

Verdicts stay (semantics 4 and 5): a stored `met` or `breached` row keeps its
state and instants whatever the engine now says after a policy move, a calendar
correction, a merge, a split or a scope override. The engine's answer is taken
only where the timeline itself says more: a late reply adds `met_at` to a
breach, and a reopen voids a met resolution (recorded as `reopened`, the
earlier `met` row kept).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings

from accord.sla import TargetState
from accord.sla.warning import DEFAULT_PERCENT, warning_at
from accord.tickets.models import Request, SlaTarget, SlaTransition

VERDICTS = ("met", "breached")
Found = list[tuple[str, datetime]]  # (transition kind, the instant it took effect)
Kind = SlaTransition.Kind


def warning_percent() -> int:
    alerts = getattr(settings, "ACCORD_ALERTS", None)
    return alerts.warning_percent if alerts is not None else DEFAULT_PERCENT


def kept_state(row: SlaTarget, new: TargetState | None) -> TargetState | None:
    """The stored verdict, as the engine's type, when it must win over `new`; else None."""
    if row.state not in VERDICTS:
        return None
    if row.state == "met" and new is not None and new.state in ("running", "paused"):
        return None  # a reopen voids a met verdict (semantics 4)
    met_at = row.met_at
    if row.state == "breached" and met_at is None and new is not None:
        met_at = new.met_at  # met late: the breach stays, the met instant is added
    return TargetState(
        kind=row.kind,
        state=row.state,  # type: ignore[arg-type]
        due=row.due,
        met_at=met_at,
        breached_at=row.breached_at,
        clock=row.clock,
        within_seconds=row.within_seconds,
        clause=row.clause,
        level=new.level if new is not None else "",
    )


@dataclass
class Change:
    """`values` to store on the row (None: the row goes), and the transitions found."""

    values: dict[str, Any] | None
    found: Found


def values(state: TargetState, warn_at: datetime | None, warned: bool) -> dict[str, Any]:
    """The stored columns of a target in `state` (all but `computed_at`)."""
    return {
        "state": state.state,
        "due": state.due if state.state != "paused" else None,
        "met_at": state.met_at,
        "breached_at": state.breached_at,
        "clock": state.clock,
        "within_seconds": state.within_seconds,
        "clause": state.clause,
        "warn_at": warn_at,
        "warned": warned,
    }


def settle(
    request: Request,
    row: SlaTarget | None,
    new: TargetState | None,
    now: datetime,
    changed_at: datetime,
    warn: Any,
) -> Change:
    """What to store for one target kind and which transitions that is.

    `changed_at`: the instant of the change that caused the recomputation (the
    latest engine event), for transitions that have no instant of their own.
    `warn(state)`: the warning instant of a running or paused target.
    """
    if row is not None:
        kept = kept_state(row, new)
        if kept is not None:
            late: Found = []
            if kept.met_at is not None and row.met_at is None:
                late.append((Kind.MET, kept.met_at))
            return Change(values(kept, None, row.warned), late)
    if new is None:
        if row is None:
            return Change(None, [])
        return Change(None, [(Kind.DISAPPEARED, changed_at)])
    before = row.state if row is not None else None
    found: Found = []
    if row is None:
        found.append((Kind.APPEARED, changed_at))
    elif before == "met":
        found.append((Kind.REOPENED, changed_at))
    warned = row.warned if row is not None and before != "met" else False
    warn_at = warn(new) if new.state in ("running", "paused") else None
    if not warned and warn_at is not None and warn_at <= now:
        # Only while the clock runs: a target found already breached gets the breach alone.
        found.append((Kind.WARNING, warn_at))
        warned = True
    if new.state == "paused" and before != "paused":
        found.append((Kind.PAUSED, changed_at))
    elif new.state == "running" and before == "paused":
        found.append((Kind.RESUMED, changed_at))
    if new.breached_at is not None:
        found.append((Kind.BREACHED, new.breached_at))
    if new.met_at is not None:
        found.append((Kind.MET, new.met_at))
    return Change(values(new, warn_at, warned), found)


def record(
    request: Request,
    kind: str,
    found: list[tuple[str, datetime]],
    state: TargetState | SlaTarget | None,
    now: datetime,
) -> list[SlaTransition]:
    """Transition rows (not saved) for one target; `state`: the target as it now stands."""
    rows = []
    for what, at in sorted(found, key=lambda f: f[1]):
        rows.append(
            SlaTransition(
                request=request,
                target=kind,
                kind=what,
                at=at,
                due=getattr(state, "due", None),
                level=request.level,
                policy=request.policy,
                policy_version=request.policy_version,
                clause=getattr(state, "clause", ""),
                clock=getattr(state, "clock", ""),
                recorded=now,
            )
        )
    return rows


def warner(request: Request, policy: Any) -> Any:
    percent = warning_percent()
    return lambda state: warning_at(policy, state, percent)
