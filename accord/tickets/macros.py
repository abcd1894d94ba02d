"""Macros: named reply templates with optional actions, personal or shared.

A macro's body may use `{placeholder}`s (`PLACEHOLDERS`); the caller fills them
in for one request (`fill`) and the agent may edit the result before it is
sent. Applying a macro (`apply_macro`) is one transaction: the public reply,
then the status, level and assignee the macro sets, each through its own
service, so each writes its event, its audit row and its targets exactly as
if done by hand, and a refusal of any of them (a status move the workflow
forbids, say) stores nothing at all.

Who may use which: a personal macro only its owner; a shared one every
agent. Anyone may create personal macros; shared ones are created, changed
and deleted by managers and admins only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accord.accounts.actor import Actor, is_manager
from accord.audit.services import record
from accord.errors import Forbidden, Invalid, NotFound
from accord.sla import load_policy
from accord.sla.policy import shipped_policy_names
from accord.tickets import actions
from accord.tickets.models import Macro, Request, Status

PLACEHOLDERS: dict[str, str] = {
    "contact_name": "the contact's name",
    "number": "the request number (SR-1001)",
    "subject": "the request's subject",
    "organization": "the organisation's name",
    "agent_name": "your name",
    "level": "the request's level (its label in the policy)",
    "first_response_due": "first response due, in the policy's zone",
    "resolution_due": "resolution due, in the policy's zone",
    "first_response_due_customer": "first response due, in the customer's zone",
    "resolution_due_customer": "resolution due, in the customer's zone",
    "support_hours": "the policy's support hours",
}
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def placeholders_in(body: str) -> list[str]:
    return _PLACEHOLDER.findall(body)


def check_body(body: str, field: str = "body") -> str:
    body = body.strip()
    if not body:
        raise Invalid(field, "This field is required.")
    unknown = sorted({p for p in placeholders_in(body) if p not in PLACEHOLDERS})
    if unknown:
        raise Invalid(
            field,
            f"unknown placeholder {{{unknown[0]}}} (known: "
            + ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)
            + ")",
        )
    return body


def fill(body: str, values: Mapping[str, str]) -> str:
    """The body with each known placeholder replaced by its value."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), body)


def usable(actor: Actor) -> QuerySet[Macro]:
    """The macros this actor may apply: shared ones and their own."""
    if actor.user is None:
        return Macro.objects.none()
    return Macro.objects.filter(Q(owner__isnull=True) | Q(owner=actor.user)).select_related(
        "set_assignee"
    )


def _require_staff(actor: Actor) -> None:
    if not actor.is_staff:
        raise Forbidden("token", "macros are for staff")


def _actions(
    status: str, level: str, assignee: str, policy_name: str | None
) -> tuple[str, str, Any]:
    if status and status not in Status.values:
        raise Invalid("set_status", f"expected one of {', '.join(Status.values)}")
    if level:
        # A shared macro may serve several policies: any policy's level is accepted here,
        # and applying it to a request of a policy without that level is refused then.
        names = [policy_name] if policy_name else shipped_policy_names()
        if not any(level in load_policy(name).level_ids for name in names):
            raise Invalid("set_level", f"unknown level {level!r}")
    user = None
    if assignee:
        user = get_user_model().objects.filter(username=assignee, agent__isnull=False).first()
        if user is None:
            raise Invalid("set_assignee", f"no agent {assignee!r}")
    return status, level, user


@transaction.atomic
def create_macro(
    actor: Actor,
    *,
    name: str,
    body: str,
    shared: bool = False,
    set_status: str = "",
    set_level: str = "",
    set_assignee: str = "",
    now: datetime | None = None,
) -> Macro:
    """A personal macro (or a shared one, for managers and admins)."""
    _require_staff(actor)
    now = now or timezone.now()
    name = name.strip()
    if not name:
        raise Invalid("name", "This field is required.")
    if len(name) > 100:
        raise Invalid("name", "at most 100 characters")
    if shared and not is_manager(actor):
        raise Forbidden("shared", "only managers and admins share macros")
    status, level, user = _actions(set_status, set_level, set_assignee, None)
    macro = Macro.objects.create(
        name=name,
        body=check_body(body),
        owner=None if shared else actor.user,
        set_status=status,
        set_level=level,
        set_assignee=user,
        created=now,
    )
    record(actor, "macro.create", macro, now, name=name, shared=shared)
    return macro


def _own(actor: Actor, macro_id: int) -> Macro:
    macro = usable(actor).filter(pk=macro_id).first()
    if macro is None:
        raise NotFound("macro", f"no macro {macro_id}")
    return macro


@transaction.atomic
def delete_macro(actor: Actor, macro_id: int, now: datetime | None = None) -> None:
    _require_staff(actor)
    macro = _own(actor, macro_id)
    if macro.owner_id is None and not is_manager(actor):
        raise Forbidden("macro", "only managers and admins delete shared macros")
    record(actor, "macro.delete", macro, now or timezone.now(), name=macro.name)
    macro.delete()


def find(actor: Actor, macro_id: int) -> Macro:
    _require_staff(actor)
    return _own(actor, macro_id)


@transaction.atomic
def apply_macro(
    actor: Actor, number: str | int, *, macro: int, body: str, now: datetime | None = None
) -> Request:
    """Send `body` (the macro's text, filled in and perhaps edited) and run its actions."""
    _require_staff(actor)
    now = now or timezone.now()
    found = _own(actor, macro)
    text = body.strip()
    if not text:
        raise Invalid("body", "This field is required.")
    req = actions.post_message(actor, number, body=text, public=True, now=now)
    if found.set_level and found.set_level != req.level:
        req = actions.change_level(actor, req.number, to=found.set_level, now=now)
    if found.set_status and found.set_status != req.status:
        req = actions.change_status(actor, req.number, to=found.set_status, now=now)
    if found.set_assignee is not None:
        req = actions.assign(
            actor,
            req.number,
            assignee=found.set_assignee.get_username(),
            team=req.team.name if req.team else None,  # the team stays as it is
            now=now,
        )
    record(actor, "macro.apply", req, now, macro=found.pk, name=found.name)
    return req
