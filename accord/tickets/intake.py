"""Opening a request, from any channel.

`open_request` resolves the contact and organisation, checks the level
against the organisation's policy, decides scope (entitlement, exclusions,
release, designated contact, required information), assigns the number,
records the automated acknowledgement and computes the targets, all in one
transaction with the event log and the audit trail.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.html import escape, linebreaks

from accord.accounts.actor import Actor
from accord.accounts.permissions import require_party
from accord.audit.services import record
from accord.contracts.models import Contact, Organization
from accord.contracts.policy_versions import version_for_notice
from accord.errors import DeskError, Invalid
from accord.sla import Evaluation, Policy, load_policy
from accord.tickets import log
from accord.tickets.acknowledgement import acknowledgement_text
from accord.tickets.inbound import FirstMessage, store_files
from accord.tickets.models import Channel, Message, Request, Scope
from accord.tickets.numbering import next_number
from accord.tickets.queries import find_request
from accord.tickets.scope import Decision, decide
from accord.tickets.search import index_new
from accord.tickets.signals import request_opened, send_on_commit
from accord.tickets.targets import (
    as_engine_events,
    evaluate_request,
    plan_targets,
    policy_of,
    targets_apply,
    write_targets,
)
from accord.timing import SKEW, resolve_received


def visible_contact(actor: Actor, contact_id: int | Contact, field: str = "contact") -> Contact:
    """The contact if the actor may act for it; another organisation's looks unknown.

    A caller that has just read the contact (with its organisation) in this
    transaction may pass it instead of its id; the same check applies.
    """
    if isinstance(contact_id, Contact):
        contact: Contact | None = contact_id
        contact_id = contact_id.pk
    else:
        contact = Contact.objects.select_related("organization").filter(pk=contact_id).first()
    if contact is None or (
        actor.organization is not None and contact.organization_id != actor.organization.pk
    ):
        raise Invalid(field, f"no contact {contact_id}")
    if not contact.active:
        raise Invalid(field, f"{contact.name} is deactivated (or their organization is)")
    return contact


# What a customer may say it used: phone and voicemail are recorded only by staff and
# the voice line, email only by the mail intake, since CapSure gives phone and
# voicemail notice at any hour (a customer claiming one would buy after-hours notice).
CUSTOMER_CHANNELS = (Channel.PORTAL, Channel.API)


def check_channel(actor: Actor, channel: str) -> str:
    if channel not in Channel.values:
        raise Invalid(
            "channel", f"unknown channel {channel!r} (one of {', '.join(Channel.values)})"
        )
    if actor.is_customer and channel not in CUSTOMER_CHANNELS:
        raise Invalid(
            "channel",
            f"{channel} is recorded by the support desk, the voice line or the mail intake; "
            f"a customer opens a request as {' or '.join(CUSTOMER_CHANNELS)}",
        )
    return channel


def check_level(policy: Policy, level: str, field: str = "level") -> str:
    if level not in policy.level_ids:
        raise Invalid(
            field,
            f"unknown level {level!r} for policy {policy.id} (one of {', '.join(policy.level_ids)})",
        )
    return level


def text(value: str, field: str, max_length: int | None = None) -> str:
    """Stripped, non-empty text; NUL is refused (PostgreSQL cannot store it)."""
    if "\x00" in value:
        raise Invalid(field, "must not contain NUL characters")
    value = value.strip()
    if not value:
        raise Invalid(field, "must not be empty")
    if max_length is not None and len(value) > max_length:
        raise Invalid(field, f"at most {max_length} characters")
    return value


def as_html(body: str) -> str:
    """Plain text shown as HTML: escaped, so it is safe by construction."""
    return linebreaks(escape(body))


# Flags a scope decision makes; deciding again replaces them. Other flags (mail
# intake, a pending suggestion when deciding again) stay.
DECIDED_FLAGS = frozenset(
    {
        "missing_information",
        "no_designated_contact",
        "not_designated_contact",
        "no_installation",
        "late_update",
        "charge_acceptance_suggested",
    }
)
SUGGESTION_FLAGS = frozenset({"exclusion_suggested", "several_issues"})


def apply_decision(request: Request, decision: Decision, *, again: bool = False) -> None:
    """Copy the decision onto the request (unsaved); see `attach_agreement`.

    `again`: a stored request decided again (`decision_for`), which keeps its
    exclusion suggestion as the agent left it.
    """
    request.scope = decision.decision
    request.scope_reason = decision.reason
    request.scope_clause = decision.clause
    request.scope_guidance = decision.guidance
    replaced = DECIDED_FLAGS if again else DECIDED_FLAGS | SUGGESTION_FLAGS
    kept = [
        f for f in request.flags or [] if not (isinstance(f, dict) and f.get("code") in replaced)
    ]
    request.flags = decision.flags + kept
    if not again:
        request.suggested_exclusion = decision.suggested


def decision_for(request: Request) -> Decision:
    """The scope decision a stored request gets now, from its organisation and contact."""
    return decide(
        policy_of(request),
        request.organization,
        request.contact,
        request.notice,
        request.subject,
        request.description,
        continues=request.continues_id is not None,
        request_id=request.pk,
        request_type=request.request_type,
        suggest=False,
    )


def record_decision(
    actor: Actor, request: Request, decision: Decision, now: datetime, **data: Any
) -> None:
    """Copy a new decision onto a stored request and log it; the caller saves it."""
    apply_decision(request, decision, again=True)
    log.append(
        request,
        "scope",
        at=now,
        actor=actor,
        now=now,
        to=decision.decision,
        reason=decision.reason,
        clause=decision.clause,
        **data,
    )


def given_by(actor: Actor, received: datetime, now: datetime) -> dict[str, Any]:
    """A receipt a person gave (not the receiving system's clock) is logged as theirs and
    shown as such: the event's actor entered it at the event's `recorded`."""
    if actor.is_staff and received < now - SKEW:
        return {"given_by": actor.label}
    return {}


def attach_agreement(request: Request, decision: Decision) -> None:
    """A per-incident agreement is used up by the request it made in scope."""
    if decision.agreement is not None and decision.decision == Scope.IN_SCOPE:
        decision.agreement.request = request
        decision.agreement.save(update_fields=["request"])


def open_request(
    actor: Actor,
    *,
    contact: int | Contact,
    channel: str,
    level: str,
    subject: str,
    description: str,
    received: datetime | None = None,
    continues: str | None = None,
    request_type: str = "",
    now: datetime | None = None,
    first: FirstMessage | None = None,
    flags: Sequence[dict[str, str]] = (),
    team_id: int | None = None,
) -> Request:
    """Open a request; raises a DeskError naming the bad field, storing nothing."""
    request, _ = open_request_acknowledged(
        actor,
        contact=contact,
        channel=channel,
        level=level,
        subject=subject,
        description=description,
        received=received,
        continues=continues,
        request_type=request_type,
        now=now,
        first=first,
        flags=flags,
        team_id=team_id,
    )
    return request


@transaction.atomic
def open_request_acknowledged(
    actor: Actor,
    *,
    contact: int | Contact,
    channel: str,
    level: str,
    subject: str,
    description: str,
    received: datetime | None = None,
    continues: str | None = None,
    request_type: str = "",
    now: datetime | None = None,
    acknowledgement_queued: bool = False,
    first: FirstMessage | None = None,
    flags: Sequence[dict[str, str]] = (),
    team_id: int | None = None,
) -> tuple[Request, Message]:
    """`open_request`, also returning the acknowledgement message it recorded.

    The one door every channel opens a request through: `first` is the
    customer's own message (the description when not given), stored with its
    files before the acknowledgement, so at one instant the customer's words come
    first (messages are ordered by instant, then by id); `flags` (the intake's
    findings for the agent) follow the scope decision's, and `team_id` is the
    team the request starts with. Nothing is patched onto the request afterwards.

    `acknowledgement_queued`: the caller queues the acknowledgement's outbox row
    itself in this transaction (the mail pipeline), so the on-commit signal says
    so and the outbox receiver need not look for it. `request_type`: an excluded
    type the customer chose (capella 2.4); it is kept on the request, so a later
    re-decision keeps it, and an agent can override it like any scope decision.
    """
    now = now or timezone.now()
    require_party(actor)
    who = visible_contact(actor, contact)
    org: Organization = who.organization
    check_channel(actor, channel)
    policy = load_policy(org.policy)
    check_level(policy, level)
    subject = text(subject, "subject", 200)
    description = text(description, "description")
    received = resolve_received(actor, received, now, "received")
    earlier = None
    if continues:
        try:
            earlier = find_request(actor, continues, field="continues")
        except DeskError as exc:
            raise Invalid("continues", exc.message) from None
        if earlier.organization_id != org.pk:
            raise Invalid("continues", f"{earlier.display_number} belongs to another organisation")
    notice = policy.notice_for(channel, received)
    # The version in force at notice (semantics 5); an older version may have
    # another calendar, so notice is taken again under it.
    policy, version = version_for_notice(org.policy, notice, now)
    if policy is not load_policy(org.policy):
        check_level(policy, level)
        notice = policy.notice_for(channel, received)
    decision = decide(
        policy,
        org,
        who,
        notice,
        subject,
        description,
        continues=earlier is not None,
        request_type=request_type,
    )
    request = Request(
        number=next_number(),
        organization=org,
        contact=who,
        channel=channel,
        received=received,
        notice=notice,
        level=level,
        initial_level=level,
        policy=policy.id,
        policy_version=version,
        subject=subject,
        description=description,
        continues=earlier,
        request_type=request_type,
        created=now,
        updated=now,
        team_id=team_id,
    )
    apply_decision(request, decision)
    request.flags = list(request.flags or []) + list(flags)
    first = first or FirstMessage(description)
    inbound = Message(
        request=request,
        direction=Message.Direction.INBOUND,
        public=True,
        automated=first.automated,
        channel=channel,
        author_contact=who,
        body_text=first.text,
        body_html=first.html or as_html(first.text),
        at=received,
    )
    ack = Message(
        request=request,
        direction=Message.Direction.OUTBOUND,
        public=True,
        automated=True,
        channel=Channel.EMAIL if who.email else channel,
        at=received,
    )
    # The request is new, so this transaction writes its whole log: it is known
    # before anything is written, the engine runs once on it (the acknowledgement's
    # due instants are the stored targets': an `auto_reply` moves no clock, and it
    # is in the timeline all the same), and every table gets one insert.
    written = [
        log.build(
            request,
            "opened",
            at=received,
            actor=actor,
            now=now,
            to=level,
            channel=channel,
            seq=1,
            **given_by(actor, received, now),
        ),
        log.build(
            request,
            "scope",
            at=received,
            actor=actor,
            now=now,
            to=decision.decision,
            reason=decision.reason,
            clause=decision.clause,
            request_type=request_type or None,
            seq=2,
        ),
        log.build(request, "auto_reply", at=received, actor=actor, now=now, message=ack, seq=3),
    ]
    ev: Evaluation | None = (
        evaluate_request(request, now, as_engine_events(written))
        if targets_apply(request)
        else None
    )
    ack.body_text = acknowledgement_text(request, policy, ev, decision.details)
    ack.body_html = as_html(ack.body_text)
    targets = plan_targets(request, now, ev, {}, new=True)
    request.next_due = targets.next_due
    # bulk_create sends no post_save: the search document is written once, whole,
    # by `index_new` instead of by the receivers a save would run.
    Request.objects.bulk_create([request])
    attach_agreement(request, decision)
    Message.objects.bulk_create([inbound, ack])  # in this order: the customer's first
    store_files(inbound, first.files)
    log.write(written)
    write_targets(request, targets)
    index_new(request, who, org, inbound)
    record(actor, "request.open", request, now, number=request.number, scope=request.scope)
    send_on_commit(
        request_opened,
        Request,
        request_id=request.pk,
        acknowledgement_queued=acknowledgement_queued,
    )
    return request, ack
