"""What agents and customers do to an open request.

Each function locks the request row, checks the input (raising a DeskError
naming the field, which rolls back everything), appends to the event log,
recomputes the stored targets, writes the audit trail, and announces the
change after commit. `at` is the instant the thing happened: the server clock,
or a past instant for actors with the import permission (accord.timing).
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accord.accounts.actor import Actor
from accord.accounts.models import Team
from accord.accounts.permissions import WORK, require, require_party
from accord.audit.services import record
from accord.errors import Conflict, Forbidden, Invalid
from accord.tickets import levels, log
from accord.tickets.intake import as_html, check_level, text
from accord.tickets.models import Channel, Message, Request, Status
from accord.tickets.queries import find_request
from accord.tickets.replies import read_customer_reply
from accord.tickets.signals import message_added, request_changed, send_on_commit
from accord.tickets.targets import policy_of, store_targets
from accord.tickets.workflow import check_transition, is_reopen
from accord.timing import resolve_instant


def require_staff(actor: Actor) -> None:
    """Staff work on requests (docs/roles.md): any desk role; never a customer."""
    if actor.is_customer:
        raise Forbidden("token", "only staff may do this")
    require(actor, WORK)


def require_not_closed(request: Request) -> None:
    if request.status == Status.CLOSED:
        raise Conflict(
            "number",
            f"{request.display_number} is closed, which is final; open a new request "
            f"that continues it",
        )


def finish_change(
    request: Request, actor: Actor, now: datetime, action: str, **data: object
) -> Request:
    """The common end of every change: save, recompute stored targets, audit, announce."""
    request.updated = now
    request.save()
    store_targets(request, now)
    record(actor, action, request, now, number=request.number, **data)
    send_on_commit(request_changed, Request, request_id=request.pk, changes=[action])
    return request


@transaction.atomic
def post_message(
    actor: Actor,
    number: str | int,
    *,
    body: str,
    public: bool = True,
    at: datetime | None = None,
    channel: str | None = None,
    now: datetime | None = None,
) -> Request:
    """A reply or internal note from staff, or a reply from the customer.

    A public staff message is an `agent_reply` (meets first response); an
    internal one an `internal_note`. A customer's message is a `customer_reply`
    and ends a wait on the customer (the clock resumes); it does not reopen a
    resolved request, which stays the agent's call (docs/desk-choices.md).
    """
    now = now or timezone.now()
    require_party(actor)
    request = find_request(actor, number, for_update=True)
    require_not_closed(request)
    body = text(body, "body")
    if channel is not None and channel not in Channel.values:
        raise Invalid("channel", f"unknown channel {channel!r}")
    at = resolve_instant(actor, at, now, "at")
    log.check_order(request, at)
    customer = actor.is_customer
    if customer and not public:
        raise Forbidden("public", "customers cannot write internal notes")
    message = Message.objects.create(
        request=request,
        direction=Message.Direction.INBOUND if customer else Message.Direction.OUTBOUND,
        public=public,
        automated=False,
        channel=channel or (Channel.EMAIL if request.contact.email else request.channel),
        author_user=actor.user,
        author_contact=actor.contact,
        body_text=body,
        body_html=as_html(body),
        at=at,
    )
    kind = "customer_reply" if customer else ("agent_reply" if public else "internal_note")
    log.append(request, kind, at=at, actor=actor, now=now, message=message)
    if customer:
        read_customer_reply(actor, request, body, policy_of(request), at, now)
    if customer and request.status == Status.WAITING_ON_CUSTOMER:
        log.append(request, "status", at=at, actor=actor, now=now, to=Status.OPEN, reason=kind)
        request.status = Status.OPEN
    send_on_commit(message_added, Message, message_id=message.pk, request_id=request.pk)
    return finish_change(request, actor, now, f"request.{kind}", message=message.pk)


def log_call(
    actor: Actor,
    number: str | int,
    *,
    direction: str,
    summary: str,
    channel: str = Channel.PHONE,
    at: datetime | None = None,
    now: datetime | None = None,
) -> Request:
    """Log a phone call or voicemail on an existing request.

    An outbound call is a public human response (it meets first response); an
    inbound call or voicemail is the customer speaking. A call that starts a new
    request is `open_request(channel="phone"|"voicemail")`.
    """
    find_request(actor, number)  # another organisation's request is a 404, not a 403
    require_staff(actor)
    if channel not in (Channel.PHONE, Channel.VOICEMAIL):
        raise Invalid("channel", "a call is on phone or voicemail")
    if direction == "outbound":
        return post_message(
            actor, number, body=summary, public=True, at=at, channel=channel, now=now
        )
    if direction != "inbound":
        raise Invalid("direction", "expected inbound or outbound")
    return _inbound_call(actor, number, summary=summary, channel=channel, at=at, now=now)


@transaction.atomic
def _inbound_call(
    actor: Actor,
    number: str | int,
    *,
    summary: str,
    channel: str,
    at: datetime | None,
    now: datetime | None,
) -> Request:
    now = now or timezone.now()
    request = find_request(actor, number, for_update=True)
    require_not_closed(request)
    summary = text(summary, "summary")
    at = resolve_instant(actor, at, now, "at")
    log.check_order(request, at)
    message = Message.objects.create(
        request=request,
        direction=Message.Direction.INBOUND,
        public=True,
        automated=False,
        channel=channel,
        author_user=actor.user,
        author_contact=request.contact,
        body_text=summary,
        body_html=as_html(summary),
        at=at,
    )
    log.append(request, "customer_reply", at=at, actor=actor, now=now, message=message)
    if request.status == Status.WAITING_ON_CUSTOMER:
        log.append(request, "status", at=at, actor=actor, now=now, to=Status.OPEN, reason="call")
        request.status = Status.OPEN
    return finish_change(request, actor, now, "request.call_in", message=message.pk)


@transaction.atomic
def change_status(
    actor: Actor,
    number: str | int,
    *,
    to: str,
    at: datetime | None = None,
    now: datetime | None = None,
) -> Request:
    """Move the request through the workflow (accord.tickets.workflow)."""
    now = now or timezone.now()
    request = find_request(actor, number, for_update=True)
    require_staff(actor)
    check_transition(request.status, to)
    return _move(actor, request, to, resolve_instant(actor, at, now, "at"), now)


def _move(actor: Actor, request: Request, to: str, at: datetime, now: datetime) -> Request:
    """Log a checked status move and finish the change."""
    log.check_order(request, at)
    log.append(
        request,
        "status",
        at=at,
        actor=actor,
        now=now,
        to=to,
        previous=request.status,
        reopened=is_reopen(request.status, to),
    )
    previous, request.status = request.status, to
    return finish_change(request, actor, now, "request.status", previous=previous, to=to)


@transaction.atomic
def change_level(
    actor: Actor,
    number: str | int,
    *,
    to: str,
    at: datetime | None = None,
    now: datetime | None = None,
) -> Request:
    """Change severity/priority; the engine recomputes running targets from notice.

    The same level again confirms a provisional one (a mailed request's stated or
    address level, accord.tickets.levels); otherwise it is a 409 on `to`.
    """
    now = now or timezone.now()
    request = find_request(actor, number, for_update=True)
    require_staff(actor)
    require_not_closed(request)
    check_level(policy_of(request), to, "to")
    if to == request.level:
        # Confirming a mailed request's provisional level (accord.tickets.levels).
        if not levels.settle(actor, request, now, to=to):
            raise Conflict("to", f"the request is already {to}")
        log.append(request, "level_confirmed", at=now, actor=actor, now=now, to=to)
        return finish_change(request, actor, now, "request.level_confirm", to=to)
    at = resolve_instant(actor, at, now, "at")
    log.check_order(request, at)
    log.append(request, "level", at=at, actor=actor, now=now, to=to, previous=request.level)
    previous, request.level = request.level, to
    levels.settle(actor, request, now, to=to)
    return finish_change(request, actor, now, "request.level", previous=previous, to=to)


@transaction.atomic
def assign(
    actor: Actor,
    number: str | int,
    *,
    assignee: str | None,
    team: str | None,
    now: datetime | None = None,
) -> Request:
    """Set (or clear, with None) the assignee and team, given by user and team name."""
    now = now or timezone.now()
    request = find_request(actor, number, for_update=True)
    require_staff(actor)
    require_not_closed(request)
    user = None
    if assignee is not None:
        user = get_user_model().objects.filter(username=assignee, agent__isnull=False).first()
        if user is None:
            raise Invalid("assignee", f"no agent {assignee!r}")
    group = None
    if team is not None:
        group = Team.objects.filter(name=team).first()
        if group is None:
            raise Invalid("team", f"no team {team!r}")
    request.assignee, request.team = user, group
    log.append(request, "assigned", at=now, actor=actor, now=now, to=assignee or "", team=team)
    return finish_change(request, actor, now, "request.assign", assignee=assignee, team=team)


# What a customer may do to the status themselves (the portal's "This is solved"
# and "Reopen"), like a Zendesk requester: solve an unsolved request, or reopen
# one that was resolved or given a workaround. Closed stays final.
CUSTOMER_MOVES: dict[str, frozenset[str]] = {
    Status.RESOLVED: frozenset(
        {Status.OPEN, Status.WAITING_ON_CUSTOMER, Status.WORKAROUND_PROVIDED}
    ),
    Status.OPEN: frozenset({Status.RESOLVED, Status.WORKAROUND_PROVIDED}),
}


@transaction.atomic
def customer_status(
    actor: Actor, number: str | int, *, to: str, now: datetime | None = None
) -> Request:
    """The customer marks the request solved (`resolved`) or reopens it (`open`)."""
    now = now or timezone.now()
    request = find_request(actor, number, for_update=True)
    if not actor.is_customer:
        raise Forbidden("token", "this is the customer's own action; staff change the status")
    require_not_closed(request)
    if to not in CUSTOMER_MOVES:
        raise Invalid("to", f"a customer may set {' or '.join(CUSTOMER_MOVES)}, not {to!r}")
    if request.status not in CUSTOMER_MOVES[to]:
        raise Conflict("to", f"cannot go from {request.status} to {to}")
    return _move(actor, request, to, now, now)
