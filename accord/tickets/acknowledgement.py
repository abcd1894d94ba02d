"""The automated acknowledgement every request gets at receipt (semantics 2).

It never counts as a response (capella 1.5); it gives the number (capella
5.4), the level and its definition, the due instants in the policy's zone, and
the out-of-hours guidance, or the reason and guidance when out of scope.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from accord.sla import Evaluation, Policy
from accord.tickets.levels import untriaged
from accord.tickets.models import Channel, Message, Request, Scope
from accord.tickets.scope_messages import decision_message, missing_information_message

PROVISIONAL = (
    "An agent will confirm this level after reading your request; the targets "
    "follow the level the agent sets."
)


def _local(t: datetime, policy: Policy) -> str:
    return t.astimezone(policy.zone).strftime("%a %d %b %Y %H:%M %Z")


def acknowledgement_text(
    request: Request,
    policy: Policy,
    ev: Evaluation | None,
    details: dict[str, Any] | None = None,
) -> str:
    """`details`: the scope decision's facts for the customer's message (scope.Decision)."""
    level = policy.level(request.level)
    lines = [
        f"We have received your request and logged it as {request.display_number}: "
        f"{request.subject}",
        f"Please quote {request.display_number} whenever you contact us about it.",
        "",
    ]
    missing = missing_information_message(request, policy)
    if request.scope != Scope.IN_SCOPE:
        worded = decision_message(request, policy, details or {})
        if worded:
            lines.append(worded)
        else:
            lines.append(f"{request.scope_reason} ({request.scope_clause}).")
        if request.scope_guidance:
            lines.append(request.scope_guidance)
        if missing:
            lines += ["", missing]
        return "\n".join(lines)
    lines.append(f"{level.label}: {level.definition}")
    if ev is not None:
        for name, state in (("first response", ev.first_response), ("resolution", ev.resolution)):
            if state is not None and state.due is not None:
                lines.append(f"Target for {name}: by {_local(state.due, policy)}.")
    # The advice is for whoever wrote outside hours; a deferred email's notice is
    # the next opening (in hours), so the received instant decides, not notice.
    if not policy.calendar.is_working(request.received):
        lines += ["", policy.spec.guidance.out_of_hours]
    if untriaged(request):
        # No resolution method before an agent has read it (docs/scope.md).
        lines += ["", PROVISIONAL]
    elif level.resolution_method:
        lines.append(f"How it is resolved: {level.resolution_method}")
    if missing:
        lines += ["", missing]
    return "\n".join(lines)


def record_automated(
    request: Request, body: str, at: datetime, *, channel: str, author_user: Any = None
) -> Message:
    """An automated public message to the customer (by mail when the contact has an
    address, else on `channel`); the caller logs its `auto_reply` and announces it."""
    from accord.tickets.intake import as_html  # intake imports this module

    return Message.objects.create(
        request=request,
        direction=Message.Direction.OUTBOUND,
        public=True,
        automated=True,
        channel=Channel.EMAIL if request.contact.email else channel,
        author_user=author_user,
        body_text=body,
        body_html=as_html(body),
        at=at,
    )
