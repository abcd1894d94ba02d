"""The desk's status workflow: which moves an agent may make, and why.

The engine replays statuses in any order; this table is the desk's rule
(docs/api.md explains each choice). `closed` is final: a follow-up is a new
request quoting the number (capella 5.3), so a closed request's verdicts never
change. Closing straight from `open` or `waiting_on_customer` is refused: closing
meets the resolution target, and someone must first say what resolved it.
"""

from __future__ import annotations

from accord.errors import Conflict, Invalid
from accord.tickets.models import Status

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.OPEN: frozenset(
        {Status.WAITING_ON_CUSTOMER, Status.WORKAROUND_PROVIDED, Status.RESOLVED}
    ),
    Status.WAITING_ON_CUSTOMER: frozenset(
        {Status.OPEN, Status.WORKAROUND_PROVIDED, Status.RESOLVED}
    ),
    Status.WORKAROUND_PROVIDED: frozenset(
        {Status.OPEN, Status.WAITING_ON_CUSTOMER, Status.RESOLVED, Status.CLOSED}
    ),
    Status.RESOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


def check_transition(current: str, to: str) -> None:
    """Raise Invalid for an unknown status, Conflict for a move the workflow forbids."""
    if to not in Status.values:
        raise Invalid("to", f"unknown status {to!r} (one of {', '.join(Status.values)})")
    if to == current:
        raise Conflict("to", f"the request is already {current}")
    allowed = TRANSITIONS[current]
    if to not in allowed:
        options = ", ".join(sorted(allowed)) or "none: closed is final, open a new request"
        raise Conflict("to", f"cannot go from {current} to {to} (allowed: {options})")


def is_reopen(current: str, to: str) -> bool:
    return to == Status.OPEN and current in (Status.RESOLVED, Status.WORKAROUND_PROVIDED)
