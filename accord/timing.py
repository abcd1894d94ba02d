"""Which instant a service records: the server's clock, or a given one.

Every instant a client gives is bounded (docs/api.md, "Instants"):

- never before `EARLIEST` (2000-01-01T00:00Z) and never with a UTC offset
  beyond `MAX_OFFSET` (+-14:00, the widest any zone uses); the API's `Instant`
  type refuses such values before a service sees them;
- from everyone but importers, within `SKEW` of the server's clock (a given
  instant is a client's clock, not an attempt to rewrite history), and the
  server's clock is what gets recorded;
- from staff opening a request (`resolve_received`), a receipt up to `RECALL`
  back without the import permission: the call the agent took before typing it
  in, the voicemail heard in the morning; the request's log keeps who gave it;
- from actors with the import permission (granted explicitly, never implied by
  a role): any instant from `EARLIEST` up to `IMPORT_AHEAD` after the server's
  clock: past ones to migrate history from another desk, future ones to
  rehearse a timeline (a what-if run of a contract before its dates arrive).

A value outside the bounds is refused with a DeskError naming the field.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from accord.accounts.actor import Actor
from accord.errors import Forbidden, Invalid

# Clients' clocks drift; a minute either way is not an attempt to rewrite history.
SKEW = timedelta(seconds=60)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
# Far enough for a rehearsal of a year's contract, near enough that a typo
# (2100 for 2010) is refused instead of blocking every later live event.
IMPORT_AHEAD = timedelta(days=400)
# A bound for instants that are only compared (filters), never recorded.
LATEST_QUERY = datetime(2200, 1, 1, tzinfo=UTC)
MAX_OFFSET = timedelta(hours=14)
# How far back an agent may say a call was placed: the previous day's calls and
# voicemails, typed in at the start of the next shift (issue 7), not history.
RECALL = timedelta(hours=24)


def require_aware(value: datetime, field: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise Invalid(field, "an instant needs a UTC offset, e.g. 2026-11-24T22:00:00-05:00")
    return value


def bounds_problem(value: datetime) -> str | None:
    """Why an aware instant is outside what the desk accepts at all, or None."""
    offset = value.utcoffset()
    if offset is not None and abs(offset) > MAX_OFFSET:
        return "the UTC offset must be between -14:00 and +14:00"
    try:
        utc = value.astimezone(UTC)
    except OverflowError:
        return "out of range"
    if utc < EARLIEST:
        return f"must not be before {EARLIEST.isoformat()}"
    if utc >= LATEST_QUERY:
        return f"must be before {LATEST_QUERY.isoformat()}"
    return None


def check_bounds(value: datetime, field: str) -> datetime:
    """`value` if it is an aware instant within the absolute bounds; Invalid otherwise."""
    require_aware(value, field)
    problem = bounds_problem(value)
    if problem is not None:
        raise Invalid(field, problem)
    return value


def resolve_instant(actor: Actor, given: datetime | None, now: datetime, field: str) -> datetime:
    """The instant to record for `field`; raises Invalid/Forbidden naming it."""
    if given is None:
        return now
    check_bounds(given, field)
    if actor.can_import:
        if given > now + IMPORT_AHEAD:
            raise Invalid(
                field,
                f"{given.isoformat()} is more than {IMPORT_AHEAD.days} days ahead of the "
                "server clock (the import and rehearsal window, docs/api.md)",
            )
        return given
    if given > now + SKEW:
        raise Invalid(field, f"{given.isoformat()} is in the future")
    if given < now - SKEW:
        raise Forbidden(
            field, "past instants are accepted only from tokens with the import permission"
        )
    return now


def resolve_received(actor: Actor, given: datetime | None, now: datetime, field: str) -> datetime:
    """The receipt instant of a new request: as `resolve_instant`, except that staff
    may also give one up to `RECALL` back (the call they took before typing it in)."""
    if given is None or not actor.is_staff or actor.can_import:
        return resolve_instant(actor, given, now, field)
    check_bounds(given, field)
    if now - RECALL <= given < now - SKEW:
        return given
    if given < now - RECALL:
        raise Forbidden(
            field,
            f"at most {RECALL // timedelta(hours=1)} hours back; earlier instants are accepted "
            "only from users with the import permission",
        )
    return resolve_instant(actor, given, now, field)
