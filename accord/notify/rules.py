"""Who gets which alert: every rule of staff alerting, in this one module.

| event | mailed to |
| --- | --- |
| request.created | the agents of the request's team |
| request.assigned | the new assignee |
| request.customer_replied | the assignee; the team when unassigned |
| sla.warning | the assignee; the team when unassigned |
| sla.breached | the assignee, the team and the managers |
| sla.met, request.status_changed | nobody by mail (webhooks only) |

Calendar-aware: a business-hours target warns and breaches inside business
hours by construction. An elapsed-clock target (capsure sev1/sev2) can warn or
breach at 03:00: outside the policy's hours its warning goes to the assignee,
else the person on call (accord.notify.oncall), else the managers; its breach
to the assignee, the person on call and the managers; never to the whole team.

Each user then keeps only the events they chose (`AlertSettings.events`; no row
means every event) and only with an email address. Staff alerts never go to a
customer: recipients are staff users (with an `Agent` profile) only.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import QuerySet

from accord.accounts.models import Role
from accord.notify import oncall
from accord.sla import load_policy
from accord.tickets.models import Request

MAIL_EVENTS = (
    "request.created",
    "request.assigned",
    "request.customer_replied",
    "sla.warning",
    "sla.breached",
)
WEBHOOK_EVENTS = (
    "request.created",
    "request.assigned",
    "request.customer_replied",
    "request.status_changed",
    "sla.warning",
    "sla.breached",
    "sla.met",
    "page",
)
# Transition kinds that are alerted, as webhook/mail events.
TRANSITION_EVENTS = {"warning": "sla.warning", "breached": "sla.breached", "met": "sla.met"}


def _staff() -> QuerySet[User]:
    return get_user_model().objects.filter(is_active=True, agent__isnull=False)


def team_of(request: Request) -> list[User]:
    if request.team_id is None:
        return []
    return list(_staff().filter(agent__team_id=request.team_id).order_by("id"))


def managers() -> list[User]:
    return list(_staff().filter(agent__role=Role.MANAGER).order_by("id"))


def on_call(request: Request, at: datetime) -> list[User]:
    shift = oncall.on_call(at, request.policy, request.team_id)
    return [shift.user] if shift is not None else []


def after_hours(request: Request, clock: str, at: datetime) -> bool:
    """An elapsed-clock target's alert at an instant outside the policy's hours."""
    return clock == "elapsed" and not load_policy(request.policy).in_hours(at)


def candidates(event: str, request: Request, *, clock: str = "", at: datetime) -> list[User]:
    """Everyone the rules name for `event`, before preferences."""
    assignee = [request.assignee] if request.assignee is not None else []
    if event == "request.created":
        return team_of(request)
    if event == "request.assigned":
        return assignee
    if event == "request.customer_replied":
        return assignee or team_of(request)
    if event == "sla.warning":
        if after_hours(request, clock, at):
            return assignee or on_call(request, at) or managers()
        return assignee or team_of(request)
    if event == "sla.breached":
        if after_hours(request, clock, at):
            return assignee + on_call(request, at) + managers()
        return assignee + team_of(request) + managers()
    return []


def wants(user: User, event: str) -> bool:
    settings = getattr(user, "alert_settings", None)
    return settings is None or event in settings.events


def recipients(event: str, request: Request, *, clock: str = "", at: datetime) -> list[User]:
    """The staff users mailed for `event`: the rules, deduplicated, then each one's choice."""
    seen: dict[int, User] = {}
    for user in candidates(event, request, clock=clock, at=at):
        if user.pk not in seen and user.is_active and user.email and wants(user, event):
            seen[user.pk] = user
    return list(seen.values())
