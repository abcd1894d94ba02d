"""Each staff user's choice of alert mail (`accord user alerts NAME --events ...`)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from accord.accounts.actor import SYSTEM, Actor
from accord.audit.services import record
from accord.errors import Invalid
from accord.notify.models import AlertSettings
from accord.notify.rules import MAIL_EVENTS


def _staff(name: str) -> User:
    user = get_user_model().objects.filter(username=name, agent__isnull=False).first()
    if user is None:
        raise Invalid("name", f"no staff user {name!r}")
    return user


def alert_events(name: str) -> list[str]:
    """The events mailed to the user: every one unless they chose."""
    settings = AlertSettings.objects.filter(user=_staff(name)).first()
    return list(MAIL_EVENTS) if settings is None else list(settings.events)


def alert_digest(name: str) -> bool:
    settings = AlertSettings.objects.filter(user=_staff(name)).first()
    return settings is not None and settings.digest


@transaction.atomic
def set_alert_digest(
    name: str, on: bool, *, actor: Actor = SYSTEM, now: datetime | None = None
) -> bool:
    """Gather this user's alerts (not pages) into one mail per period (accord.notify.digest)."""
    now = now or timezone.now()
    user = _staff(name)
    events = alert_events(name)
    AlertSettings.objects.update_or_create(user=user, defaults={"digest": on, "events": events})
    record(actor, "user.alerts", user, now, digest=on)
    return on


@transaction.atomic
def set_alert_events(
    name: str, events: str | list[str], *, actor: Actor = SYSTEM, now: datetime | None = None
) -> list[str]:
    """Choose the mailed events: a list or comma-separated text; "all"; "" for none."""
    now = now or timezone.now()
    user = _staff(name)
    if isinstance(events, str):
        text = events.strip()
        chosen = list(MAIL_EVENTS) if text == "all" else [e.strip() for e in text.split(",")]
        chosen = [e for e in chosen if e]
    else:
        chosen = list(events)
    unknown = [e for e in chosen if e not in MAIL_EVENTS]
    if unknown:
        raise Invalid("events", f"unknown event {unknown[0]!r} (one of {', '.join(MAIL_EVENTS)})")
    chosen = [e for e in MAIL_EVENTS if e in chosen]
    AlertSettings.objects.update_or_create(user=user, defaults={"events": chosen})
    record(actor, "user.alerts", user, now, events=chosen)
    return chosen
