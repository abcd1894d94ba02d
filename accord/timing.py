"""Which instant a service records: the server's clock, or a given one.

Staff with the import permission may give any instant: past ones to migrate
history from another desk, future ones to rehearse a timeline (a what-if run
of a contract before its dates arrive). Everyone else gets the server's clock,
and a given instant more than `SKEW` away from it is refused rather than
silently replaced.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from accord.accounts.actor import Actor
from accord.errors import Forbidden, Invalid

# Clients' clocks drift; a minute either way is not an attempt to rewrite history.
SKEW = timedelta(seconds=60)


def require_aware(value: datetime, field: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise Invalid(field, "an instant needs a UTC offset, e.g. 2026-11-24T22:00:00-05:00")
    return value


def resolve_instant(actor: Actor, given: datetime | None, now: datetime, field: str) -> datetime:
    """The instant to record for `field`; raises Invalid/Forbidden naming it."""
    if given is None:
        return now
    require_aware(given, field)
    if actor.can_import:
        return given
    if given > now + SKEW:
        raise Invalid(field, f"{given.isoformat()} is in the future")
    if given < now - SKEW:
        raise Forbidden(
            field, "past instants are accepted only from tokens with the import permission"
        )
    return now
