"""Support addresses: the mailboxes customers write to, each bound to a policy.

One service writes them (validated, audited); the demo and the administration
pages use it. Mail to an address no row claims goes to the default row, so
making a row the default takes the mark from any other.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from accord.accounts.actor import SYSTEM, Actor
from accord.accounts.models import Team
from accord.accounts.permissions import CONFIGURATION, require
from accord.audit.services import record
from accord.contracts.services import check_policy
from accord.errors import Invalid
from accord.intake.models import SupportAddress
from accord.sla import load_policy


@transaction.atomic
def save_address(
    email: str,
    *,
    name: str,
    policy: str,
    level: str,
    team: str | None = None,
    is_default: bool = False,
    actor: Actor = SYSTEM,
    now: datetime | None = None,
) -> SupportAddress:
    """Create the address, or update the row with that email; returns it."""
    require(actor, CONFIGURATION)
    now = now or timezone.now()
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise Invalid("email", f"{email!r} is not an email address") from None
    if not name.strip():
        raise Invalid("name", "must not be empty")
    check_policy(policy)
    levels = list(load_policy(policy).spec.levels)
    if level not in levels:
        raise Invalid("level", f"policy {policy} has levels {', '.join(levels)}")
    group = Team.objects.get_or_create(name=team)[0] if team else None
    if is_default:
        SupportAddress.objects.filter(is_default=True).exclude(email=email).update(is_default=False)
    row, created = SupportAddress.objects.update_or_create(
        email=email,
        defaults={
            "name": name.strip(),
            "policy": policy,
            "level": level,
            "team": group,
            "is_default": is_default,
        },
    )
    record(
        actor,
        "support_address.create" if created else "support_address.update",
        row,
        now,
        policy=policy,
        level=level,
        team=team,
        is_default=is_default,
    )
    return row


@transaction.atomic
def remove_address(email: str, *, actor: Actor = SYSTEM, now: datetime | None = None) -> None:
    """Remove an address; mail stored from it keeps its bytes and its request."""
    now = now or timezone.now()
    row = SupportAddress.objects.filter(email=email.strip().lower()).first()
    if row is None:
        raise Invalid("email", f"no support address {email}")
    record(actor, "support_address.remove", row, now, email=row.email)
    row.delete()
