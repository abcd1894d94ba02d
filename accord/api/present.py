"""Requests as the API shows them, as of the moment of the read.

Targets are evaluated by the engine now, not read from the stored rows, so
a running target whose due has passed already reads as breached. Customers
never see internal notes, desk-internal events or the agent's flags.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.urls import reverse

from accord.accounts.actor import Actor
from accord.sla.clock import TargetState
from accord.sla.jsonio import iso, target_to_json
from accord.tickets.log import VOID, voided_in, voided_seqs
from accord.tickets.models import NUMBER_PREFIX, Event, Message, Request
from accord.tickets.targets import as_engine_events, policy_of, targets_json

# Events a customer may see in the log of their own request.
CUSTOMER_EVENTS = frozenset(
    {
        "opened",
        "auto_reply",
        "agent_reply",
        "customer_reply",
        "status",
        "level",
        "split",
        "merged",
        "merged_from",
        "scope",
    }
)


def _number(n: int | None) -> str | None:
    return None if n is None else f"{NUMBER_PREFIX}{n}"


def _author(m: Message) -> str | None:
    if m.author_user is not None:
        return f"user:{m.author_user.get_username()}"
    if m.author_contact_id is not None:
        return f"contact:{m.author_contact_id}"
    return None


def summary(
    request: Request,
    actor: Actor,
    as_of: datetime,
    states: Mapping[str, TargetState | None] | None = None,
    log: list[Event] | None = None,
) -> dict[str, Any]:
    """The request without its messages and log. `states`: its targets as of `as_of`
    when the caller has them (a list page's stored rows); otherwise the engine
    evaluates its log (`log`: the whole log in order, when the caller has read it)."""
    policy = policy_of(request)
    zone = policy.zone
    if states is None:
        targets = targets_json(request, as_of, None if log is None else as_engine_events(log))
    else:
        targets = {kind: target_to_json(state, zone) for kind, state in states.items()}
    return {
        "number": request.display_number,
        "organization": request.organization_id,
        "contact": request.contact_id,
        "channel": request.channel,
        "received": iso(request.received, zone),
        "notice": iso(request.notice, zone),
        "in_hours": policy.in_hours(request.notice),
        "level": request.level,
        "status": request.status,
        "policy": request.policy,
        "policy_version": request.policy_version,
        "subject": request.subject,
        "scope": {
            "decision": request.scope,
            "reason": request.scope_reason,
            "clause": request.scope_clause,
            "guidance": request.scope_guidance,
            "overridden": request.scope_overridden,
        },
        "flags": [] if actor.is_customer else request.flags,
        "targets": targets,
        "assignee": request.assignee.get_username() if request.assignee else None,
        "team": request.team.name if request.team else None,
        "split_from": _number(request.split_from.number if request.split_from else None),
        "merged_into": _number(request.merged_into.number if request.merged_into else None),
        "continues": _number(request.continues.number if request.continues else None),
    }


def detail(request: Request, actor: Actor, as_of: datetime) -> dict[str, Any]:
    zone = policy_of(request).zone
    messages = request.messages.select_related("author_user").prefetch_related("attachments")
    log = request.events.order_by("seq")
    if actor.is_customer:
        messages = messages.filter(public=True)
        shown = list(log.filter(kind__in=CUSTOMER_EVENTS))
        out = summary(request, actor, as_of)
    else:  # the whole log is shown: read once, for the engine and for the list
        shown = list(log)
        out = summary(request, actor, as_of, log=shown)
    out["description"] = request.description
    out["messages"] = [
        {
            "id": m.pk,
            "direction": m.direction,
            "public": m.public,
            "automated": m.automated,
            "channel": m.channel,
            "author": _author(m),
            "body_text": m.body_text,
            "body_html": m.body_html,
            "at": iso(m.at, zone),
            "attachments": [
                {
                    "filename": a.filename,
                    "size": a.size,
                    "content_type": a.content_type,
                    "url": reverse("attachment", args=[a.pk]),
                }
                for a in m.attachments.all()
            ],
        }
        for m in messages
    ]
    voided = voided_in(shown) if not actor.is_customer else voided_seqs(request)
    out["events"] = [_event(e, zone, voided) for e in shown]
    if not actor.is_customer:  # delivery details are the desk's business
        out["outbox"] = [
            {
                "id": o.pk,
                "kind": o.kind,
                "to": o.to_email,
                "subject": o.subject,
                "state": o.state,
                "attempts": o.attempts,
                "reason": o.reason,
                "created": iso(o.created, zone),
                "sent_at": iso(o.sent_at, zone),
            }
            for o in request.outbox.order_by("created", "id")
        ]
    return out


def _event(e: Event, zone: Any, voided: set[int]) -> dict[str, Any]:
    out = {
        "seq": e.seq,
        "at": iso(e.at, zone),
        "kind": e.kind,
        "to": e.to or None,
        "actor": e.actor,
        "voided": e.seq in voided,
    }
    if e.kind == VOID:
        out["voids"] = e.data.get("voids")
        out["reason"] = e.data.get("reason")
    if e.data.get("given_by"):  # a receipt a person gave ("call placed at"), and when
        out["given_by"] = e.data["given_by"]
        out["entered"] = iso(e.recorded, zone)
    return out
