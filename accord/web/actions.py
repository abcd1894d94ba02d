"""The request page's actions: each parses its form and calls one service.

`ACTIONS` maps the URL's action name to its form and the service call. The
services do every check that matters (workflow, policy levels, closed
requests, ...) and raise a DeskError naming the field, which the view shows
next to that field; nothing is stored when they refuse.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms

from accord.accounts.actor import Actor
from accord.tickets import actions, exclusions, restructure
from accord.tickets import split as splitting
from accord.tickets.models import Request, Scope
from accord.web.forms import (
    AcceptChargeForm,
    AssignForm,
    CallForm,
    ConfirmExclusionForm,
    DismissExclusionForm,
    LevelForm,
    MergeForm,
    ReplyForm,
    ScopeForm,
    SplitForm,
    StatusForm,
    clean_optional,
)

Run = Callable[[Actor, int, dict[str, Any]], object]


@dataclass(frozen=True)
class Action:
    name: str
    title: str
    button: str
    form: type[forms.Form]
    run: Run
    per_request: bool  # the form's choices depend on the request
    applies: Callable[[Request], bool] = lambda request: True  # offered on this request?


def _reply(actor: Actor, number: int, d: dict[str, Any]) -> object:
    return actions.post_message(actor, number, body=d["body"], public=True)


def _note(actor: Actor, number: int, d: dict[str, Any]) -> object:
    return actions.post_message(actor, number, body=d["body"], public=False)


def _call(actor: Actor, number: int, d: dict[str, Any]) -> object:
    return actions.log_call(
        actor, number, direction=d["direction"], summary=d["summary"], channel=d["channel"]
    )


def _status(actor: Actor, number: int, d: dict[str, Any]) -> object:
    return actions.change_status(actor, number, to=d["to"])


def _level(actor: Actor, number: int, d: dict[str, Any]) -> object:
    return actions.change_level(actor, number, to=d["to"])


def _assign(actor: Actor, number: int, d: dict[str, Any]) -> object:
    return actions.assign(
        actor, number, assignee=clean_optional(d, "assignee"), team=clean_optional(d, "team")
    )


def _scope(actor: Actor, number: int, d: dict[str, Any]) -> object:
    return restructure.override_scope(
        actor,
        number,
        decision=d["decision"],
        reason=d["reason"],
        exclusion=clean_optional(d, "exclusion"),
        cause=clean_optional(d, "cause"),
    )


def _split(actor: Actor, number: int, d: dict[str, Any]) -> object:
    parts = [
        splitting.Part(subject, description, level) for subject, description, level in d["parts"]
    ]
    return splitting.split(actor, number, parts=parts)


def _merge(actor: Actor, number: int, d: dict[str, Any]) -> object:
    return restructure.merge(actor, number, into=d["into"])


def _accept_charge(actor: Actor, number: int, d: dict[str, Any]) -> object:
    return restructure.accept_per_incident(actor, number, accepted_by=d["accepted_by"])


def _confirm_exclusion(actor: Actor, number: int, d: dict[str, Any]) -> object:
    return exclusions.confirm_exclusion(actor, number, reason=d["reason"])


def _dismiss_exclusion(actor: Actor, number: int, d: dict[str, Any]) -> object:
    return exclusions.dismiss_exclusion(actor, number, reason=d["reason"])


def _exclusion_suggested(request: Request) -> bool:
    return bool(request.suggested_exclusion)


def _charge_pending(request: Request) -> bool:
    """Only a request waiting for its per-incident charge to be accepted offers it."""
    return request.scope == Scope.NOT_ENTITLED and not hasattr(request, "per_incident_agreement")


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        Action(
            "confirm-exclusion",
            "Confirm the suggested exclusion",
            "Confirm exclusion",
            ConfirmExclusionForm,
            _confirm_exclusion,
            False,
            _exclusion_suggested,
        ),
        Action(
            "dismiss-exclusion",
            "Dismiss the suggestion",
            "Dismiss",
            DismissExclusionForm,
            _dismiss_exclusion,
            False,
            _exclusion_suggested,
        ),
        Action("reply", "Public reply", "Send reply", ReplyForm, _reply, False),
        Action("note", "Internal note", "Add note", ReplyForm, _note, False),
        Action("call", "Log a call", "Log call", CallForm, _call, False),
        Action("status", "Change status", "Change status", StatusForm, _status, True),
        Action("level", "Change level", "Change level", LevelForm, _level, True),
        Action("assign", "Assign", "Assign", AssignForm, _assign, True),
        Action("scope", "Override scope", "Override scope", ScopeForm, _scope, True),
        Action(
            "accept-charge",
            "Accept per-incident charge",
            "Record acceptance",
            AcceptChargeForm,
            _accept_charge,
            False,
            _charge_pending,
        ),
        Action("split", "Split into several requests", "Split", SplitForm, _split, True),
        Action("merge", "Merge into another request", "Merge", MergeForm, _merge, False),
    )
}


def make_form(action: Action, request: Request, data: Any = None) -> forms.Form:
    """The action's form, bound to `data` when given; prefixed so ids stay unique."""
    kwargs: dict[str, Any] = {"prefix": action.name}
    if action.per_request:
        kwargs["request"] = request
    return action.form(data, **kwargs)


def unbound_forms(request: Request) -> dict[str, forms.Form]:
    return {name: make_form(a, request) for name, a in ACTIONS.items()}


def attach_error(form: forms.Form, field: str, message: str) -> None:
    """Show a service's error next to the field it names (or above the form)."""
    if field in form.fields:
        form.add_error(field, message)
    else:
        form.add_error(None, f"{field}: {message}")
