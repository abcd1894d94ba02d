"""Suggested exclusions (capella 2.4): an agent confirms or dismisses them.

At intake the text is only read for a suggestion (accord/tickets/triage.py):
the request keeps its targets and carries `suggested_exclusion` with an
`exclusion_suggested` flag that holds the clause and the guidance. Nothing
removes the targets until an agent confirms; then no targets apply, from notice
(sla-semantics 4), and the guidance goes to the customer through the outbox.
Dismissing keeps the targets and records why. The review list is every open
request still waiting for that decision.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accord.accounts.actor import Actor
from accord.errors import Conflict
from accord.sla.policy_spec import ExclusionSpec
from accord.tickets import log
from accord.tickets.acknowledgement import record_automated
from accord.tickets.actions import finish_change, require_not_closed, require_staff
from accord.tickets.intake import text
from accord.tickets.models import Message, Request, Scope, Status
from accord.tickets.queries import find_request, visible_requests
from accord.tickets.scope_messages import exclusion_message
from accord.tickets.signals import message_added, send_on_commit
from accord.tickets.targets import policy_of

FLAG = "exclusion_suggested"


def suggested(request: Request) -> ExclusionSpec | None:
    """The excluded type waiting for an agent on this request, if any."""
    if not request.suggested_exclusion:
        return None
    spec = policy_of(request).spec
    return next((e for e in spec.exclusions if e.id == request.suggested_exclusion), None)


def _pending(request: Request) -> ExclusionSpec:
    found = suggested(request)
    if found is None:
        raise Conflict("number", f"{request.display_number} has no suggested exclusion to decide")
    return found


def _clear(request: Request) -> None:
    request.suggested_exclusion = ""
    request.flags = [
        f for f in request.flags or [] if not (isinstance(f, dict) and f.get("code") == FLAG)
    ]


@transaction.atomic
def confirm_exclusion(
    actor: Actor, number: str | int, *, reason: str = "", now: datetime | None = None
) -> Request:
    """The agent agrees: excluded, no targets from notice, the guidance mailed."""
    now = now or timezone.now()
    request = find_request(actor, number, for_update=True)
    require_staff(actor)
    require_not_closed(request)
    exclusion = _pending(request)
    why = (
        text(reason, "reason")
        if reason.strip()
        else f"{exclusion.label} is not a supported request"
    )
    request.scope, request.scope_reason = Scope.EXCLUDED, why
    request.scope_clause, request.scope_guidance = exclusion.clause, exclusion.guidance
    request.scope_overridden = True  # an agent's decision; a later re-decision keeps it
    _clear(request)
    log.append(
        request,
        "scope",
        at=now,
        actor=actor,
        now=now,
        to=Scope.EXCLUDED,
        reason=why,
        clause=exclusion.clause,
        exclusion=exclusion.id,
        confirmed="suggestion",
    )
    body = exclusion_message(request, policy_of(request), exclusion)
    # Automated: its words are the policy's, so it is not the non-automated
    # response of capella 1.5 if an agent later brings the request back in scope.
    guidance = record_automated(request, body, now, channel=request.channel, author_user=actor.user)
    log.append(request, "auto_reply", at=now, actor=actor, now=now, message=guidance)
    send_on_commit(message_added, Message, message_id=guidance.pk, request_id=request.pk)
    return finish_change(
        request, actor, now, "request.exclusion_confirm", exclusion=exclusion.id, reason=why
    )


@transaction.atomic
def dismiss_exclusion(
    actor: Actor, number: str | int, *, reason: str, now: datetime | None = None
) -> Request:
    """The agent disagrees: the suggestion goes, the targets keep running."""
    now = now or timezone.now()
    request = find_request(actor, number, for_update=True)
    require_staff(actor)
    require_not_closed(request)
    exclusion = _pending(request)
    why = text(reason, "reason", 2000)
    _clear(request)
    log.append(
        request,
        "flag_cleared",
        at=now,
        actor=actor,
        now=now,
        code=FLAG,
        exclusion=exclusion.id,
        clause=exclusion.clause,
        reason=why,
    )
    return finish_change(
        request, actor, now, "request.exclusion_dismiss", exclusion=exclusion.id, reason=why
    )


def drop_suggestion(request: Request) -> None:
    """An agent decided the scope another way: nothing is left to confirm (unsaved)."""
    _clear(request)


def review_list(actor: Actor) -> QuerySet[Request]:
    """Open requests whose suggested exclusion waits for an agent, oldest first."""
    return (
        visible_requests(actor)
        .exclude(suggested_exclusion="")
        .exclude(status=Status.CLOSED)
        .select_related("organization", "contact")
        .order_by("received", "id")
    )
