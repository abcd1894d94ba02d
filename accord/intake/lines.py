"""Support lines: the phone numbers customers call, each bound to a policy.

Written only here (validated, audited), as support addresses are in
accord.intake.addresses; `accord voice line add|list|remove` uses these.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accord.accounts.actor import SYSTEM, Actor
from accord.accounts.models import Team
from accord.audit.services import record
from accord.contracts.phones import e164
from accord.contracts.services import check_policy
from accord.errors import Invalid
from accord.intake.models import SupportLine
from accord.sla import load_policy

# An HMAC key a person can still type, long enough not to be guessed.
MIN_SECRET = 16


@transaction.atomic
def save_line(
    number: str,
    *,
    policy: str,
    level: str,
    secret: str,
    name: str = "",
    team: str | None = None,
    actor: Actor = SYSTEM,
    now: datetime | None = None,
) -> SupportLine:
    """Create the line, or update the row with that number; returns it."""
    now = now or timezone.now()
    normalised = e164(number, None)
    if not normalised:
        raise Invalid("number", f"{number!r} is not a phone number with its country code (+1...)")
    check_policy(policy)
    levels = load_policy(policy).level_ids
    if level not in levels:
        raise Invalid("level", f"policy {policy} has levels {', '.join(levels)}")
    if len(secret.strip()) < MIN_SECRET or "\x00" in secret:
        raise Invalid("secret", f"at least {MIN_SECRET} characters")
    group = Team.objects.get_or_create(name=team)[0] if team else None
    fields = {
        "name": name.strip()[:100],
        "policy": policy,
        "level": level,
        "team": group,
        "secret": secret.strip(),
    }
    row, created = SupportLine.objects.update_or_create(
        number=normalised, defaults=fields, create_defaults={**fields, "created": now}
    )
    # The secret is never written to the audit trail.
    record(
        actor,
        "support_line.create" if created else "support_line.update",
        row,
        now,
        number=normalised,
        policy=policy,
        level=level,
        team=team,
    )
    return row


@transaction.atomic
def remove_line(number: str, *, actor: Actor = SYSTEM, now: datetime | None = None) -> None:
    """Remove a line; calls that came through it keep the number they were made to."""
    now = now or timezone.now()
    row = SupportLine.objects.filter(number=e164(number, None) or number.strip()).first()
    if row is None:
        raise Invalid("number", f"no support line {number}")
    record(actor, "support_line.remove", row, now, number=row.number)
    row.delete()
