"""Changing what a request is: scope overrides, per-incident acceptance, split, merge.

A scope override makes the targets apply from the original notice instant
(semantics 4): the engine replays the whole log, so a target whose due has
already passed reads as breached at that instant.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accord.accounts.actor import Actor
from accord.accounts.permissions import require_party
from accord.audit.services import record
from accord.contracts.models import Organization, PerIncidentAgreement
from accord.errors import Conflict, Invalid
from accord.tickets import log
from accord.tickets.actions import finish_change, require_not_closed, require_staff
from accord.tickets.exclusions import drop_suggestion
from accord.tickets.intake import (
    attach_agreement,
    decision_for,
    record_decision,
    text,
)
from accord.tickets.models import Channel, Request, Scope, Status
from accord.tickets.queries import find_request
from accord.tickets.targets import policy_of
from accord.timing import resolve_instant

# capella 2.2: an error caused by the customer's own change; 2.3 lists the other causes.
CUSTOMER_CHANGE = "customer_change"


@transaction.atomic
def override_scope(
    actor: Actor,
    number: str | int,
    *,
    decision: str,
    reason: str,
    exclusion: str | None = None,
    cause: str | None = None,
    now: datetime | None = None,
) -> Request:
    """An agent's scope decision replaces the automatic one.

    `excluded` needs the `exclusion` id (capella 2.4.x) and sends its guidance;
    `customer_caused` needs the `cause` (`customer_change` for 2.2, or an
    exception id of 2.3), and makes the time billable; `in_scope` restores the
    targets from the original notice.
    """
    now = now or timezone.now()
    request = find_request(actor, number, for_update=True)
    require_staff(actor)
    require_not_closed(request)
    if decision not in Scope.values:
        raise Invalid("decision", f"expected one of {', '.join(Scope.values)}")
    reason = text(reason, "reason")
    spec = policy_of(request).spec
    clause, guidance = "agent decision", ""
    if decision == Scope.EXCLUDED:
        found = next((e for e in spec.exclusions if e.id == exclusion), None)
        if found is None:
            known = ", ".join(e.id for e in spec.exclusions) or "none in this policy"
            raise Invalid("exclusion", f"expected an excluded request type ({known})")
        clause, guidance = found.clause, found.guidance
    elif decision == Scope.CUSTOMER_CAUSED:
        billing = next((b for b in spec.billing if "customer_caused" in b.applies_to), None)
        exceptions = {e.id: e.clause for e in spec.exceptions}
        if billing is not None:
            exceptions[CUSTOMER_CHANGE] = billing.clause
        if cause not in exceptions:
            known = ", ".join(exceptions) or "none in this policy"
            raise Invalid("cause", f"expected a cause ({known})")
        clause = exceptions[cause]
    request.scope, request.scope_reason, request.scope_clause = decision, reason, clause
    request.scope_guidance, request.scope_overridden = guidance, True
    drop_suggestion(request)
    log.append(
        request,
        "scope",
        at=now,
        actor=actor,
        now=now,
        to=decision,
        reason=reason,
        clause=clause,
        override=True,
        cause=cause,
        exclusion=exclusion,
    )
    return finish_change(request, actor, now, "request.scope_override", decision=decision)


@transaction.atomic
def accept_per_incident(
    actor: Actor,
    number: str | int,
    *,
    accepted_by: str,
    at: datetime | None = None,
    channel: str | None = None,
    now: datetime | None = None,
) -> Request:
    """capsure: the end user accepts the hourly charge; the request comes into scope.

    Staff record an acceptance given on the phone or by mail (confirming a
    reply's "I accept"); the contact may accept for themselves (the portal).
    `channel` defaults to `portal` for the contact and `phone` for staff. The
    targets then apply from the original notice.
    """
    now = now or timezone.now()
    require_party(actor)
    request = find_request(actor, number, for_update=True)
    require_not_closed(request)
    policy = policy_of(request)
    rule = next((r for r in policy.spec.entitlement.rules if request.contact.role in r.roles), None)
    billing = next((b for b in policy.spec.billing if "per_incident" in b.applies_to), None)
    if rule is None or rule.basis != "per_incident" or billing is None:
        raise Invalid("number", "this request's contact is not supported per incident")
    if hasattr(request, "per_incident_agreement"):
        raise Conflict("number", "the charge for this incident was already accepted")
    at = resolve_instant(actor, at, now, "at")
    channel = channel or (Channel.PORTAL if actor.is_customer else Channel.PHONE)
    if channel not in Channel.values:
        raise Invalid("channel", f"expected one of {', '.join(Channel.values)}")
    PerIncidentAgreement.objects.create(
        channel=channel,
        contact=request.contact,
        request=request,
        hourly_rate=Decimal(billing.hourly_rate),
        currency=billing.currency,
        accepted_by=text(accepted_by, "accepted_by", 200),
        accepted_at=at,
        clause=billing.clause,
    )
    record_decision(actor, request, decision_for(request), now)
    return finish_change(
        request,
        actor,
        now,
        "request.per_incident_accept",
        accepted_by=accepted_by,
        channel=channel,
        at=at.isoformat(),
    )


@transaction.atomic
def merge(
    actor: Actor, number: str | int, *, into: str | int, now: datetime | None = None
) -> Request:
    """Merge a duplicate into another request of the same organisation.

    The duplicate is closed and keeps its number (numbers are never reused);
    its targets stop applying. The surviving request keeps the earliest notice of
    the two: when the duplicate was noticed first, the survivor takes its receipt
    and channel and its targets run from there (verdicts already recorded stay).
    Returns the surviving request.
    """
    now = now or timezone.now()
    source = find_request(actor, number, for_update=True)
    require_staff(actor)
    target = find_request(actor, into, for_update=True, field="into")
    if source.pk == target.pk:
        raise Invalid("into", "a request cannot be merged into itself")
    if source.organization_id != target.organization_id:
        raise Invalid("into", "requests of different organisations cannot be merged")
    require_not_closed(source)
    if target.status == Status.CLOSED:
        raise Conflict("into", f"{target.display_number} is closed")
    at = resolve_instant(actor, None, now, "at")
    log.append(source, "merged", at=at, actor=actor, now=now, to=str(target.number))
    source.merged_into = target
    source.status = Status.CLOSED
    log.append(
        source,
        "status",
        at=max(at, log.last_instant(source)),
        actor=actor,
        now=now,
        to=Status.CLOSED,
        reason="merged",
    )
    finish_change(source, actor, now, "request.merge", into=target.number)
    if source.notice >= target.notice:
        log.append(target, "merged_from", at=at, actor=actor, now=now, to=str(source.number))
        record(actor, "request.merged_from", target, now, source=source.number)
        return target
    # The customer told us first through the duplicate (a voicemail at 22:00, then the
    # morning's email): the survivor's clocks run from that earlier notice, so it takes
    # the duplicate's receipt and channel, which the engine derives notice from.
    log.append(
        target,
        "merged_from",
        at=at,
        actor=actor,
        now=now,
        to=str(source.number),
        notice_from=source.display_number,
        was_received=target.received.isoformat(),
        was_channel=target.channel,
    )
    target.received, target.channel, target.notice = source.received, source.channel, source.notice
    return finish_change(
        target, actor, now, "request.merged_from", source=source.number, notice="earlier"
    )


def on_installation_changed(
    sender: object, *, actor: Actor, organization: Organization, now: datetime, **_: object
) -> None:
    """Receiver of accord.contracts.signals.installation_changed."""
    recheck_awaiting_upgrade(actor, organization, now)


def recheck_awaiting_upgrade(
    actor: Actor, organization: Organization, now: datetime
) -> list[Request]:
    """capella 4.5: once the customer runs a supported release, waiting requests come in.

    Runs inside the caller's transaction (the installation change). Requests an
    agent decided by hand keep the agent's decision; the others are decided again,
    and if they are now in scope their targets apply from the original notice.
    """
    changed: list[Request] = []
    waiting = (
        Request.objects.select_for_update(of=("self",))
        .select_related("contact")
        .filter(organization=organization, scope=Scope.AWAITING_UPGRADE, scope_overridden=False)
        .exclude(status=Status.CLOSED)
        .order_by("number")
    )
    for request in waiting:
        decision = decision_for(request)
        if decision.decision == Scope.AWAITING_UPGRADE:
            continue
        record_decision(actor, request, decision, now, after="installation changed")
        attach_agreement(request, decision)
        changed.append(
            finish_change(request, actor, now, "request.scope_recheck", decision=decision.decision)
        )
    return changed
