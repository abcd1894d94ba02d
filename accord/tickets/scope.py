"""Is a request in scope? Entitlement, exclusions, releases and intake checks.

`decide` reads the contract (organisation, contact, entitlements,
installations) and the request's text, and returns the decision with its
reason and clause, plus flags for the agent that do not stop the clock
(designated contact, late updates, missing information). The order of the
checks is documented in docs/scope.md: the request type first (its guidance
helps whoever asked), then entitlement, then the release.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q

from accord.contracts.models import (
    Contact,
    Entitlement,
    Hosting,
    Installation,
    Organization,
    PerIncidentAgreement,
    UpdateDelivery,
)
from accord.contracts.releases import supported
from accord.errors import Invalid
from accord.sla import Policy
from accord.sla.durations import parse_duration
from accord.tickets.models import Scope
from accord.tickets.triage import Reading, read_exclusion


@dataclass(frozen=True)
class Decision:
    decision: str
    reason: str
    clause: str
    guidance: str = ""
    flags: list[dict[str, str]] = field(default_factory=list)
    agreement: PerIncidentAgreement | None = None
    # What the customer's message needs (docs/scope.md): missing kinds, dates,
    # versions, the rate. Never shown raw; the scope templates word it.
    details: dict[str, Any] = field(default_factory=dict)
    # An excluded type the text reads as (capella 2.4): a suggestion, flagged for an
    # agent to confirm or dismiss; the decision itself does not depend on it.
    suggested: str = ""


def _flag(code: str, message: str, clause: str, **extra: str) -> dict[str, str]:
    return {"code": code, "message": message, "clause": clause, **extra}


def suggestion_flags(policy: Policy, reading: Reading) -> list[dict[str, str]]:
    """The flags for what the text suggests: "looks like 2.4.N", or several issues (5.4)."""
    flags: list[dict[str, str]] = []
    if reading.suggestion is not None:
        ex = reading.suggestion.exclusion
        flags.append(
            _flag(
                "exclusion_suggested",
                f"looks like {ex.clause} ({ex.label}): \u201c{reading.suggestion.words}\u201d; "
                "the targets run until an agent confirms or dismisses it",
                ex.clause,
                exclusion=ex.id,
                guidance=ex.guidance,
                words=reading.suggestion.words,
            )
        )
    elif reading.issues > 1 and reading.parts:
        looks = "; ".join(
            f"issue {n} looks like {m.exclusion.clause} ({m.exclusion.label})"
            for n, m in reading.parts
        )
        flags.append(
            _flag(
                "several_issues",
                f"{reading.issues} issues in one request ({looks}): split it so that each "
                "has its own number and decision",
                policy.spec.guidance.split_clause or "5.4",
            )
        )
    return flags


def chosen_exclusion(policy: Policy, request_type: str) -> Any:
    """The policy's excluded type with this id, or None for "" (Invalid if unknown)."""
    if not request_type:
        return None
    for exclusion in policy.spec.exclusions:
        if exclusion.id == request_type:
            return exclusion
    known = ", ".join(e.id for e in policy.spec.exclusions) or "none"
    raise Invalid(
        "request_type", f"unknown request type {request_type!r} (excluded types: {known})"
    )


def _entitlement(
    policy: Policy, org: Organization, contact: Contact, local_day: date, request_id: int | None
) -> Decision:
    rule = next((r for r in policy.spec.entitlement.rules if contact.role in r.roles), None)
    if rule is None:
        return Decision(
            Scope.NOT_ENTITLED,
            f"contacts with role {contact.role!r} are not supported under {policy.id}",
            policy.spec.entitlement.clause,
        )
    if rule.basis == "per_incident":
        agreement = (
            PerIncidentAgreement.objects.filter(contact=contact)
            .filter(Q(request__isnull=True) | Q(request_id=request_id))
            .order_by("accepted_at")
            .first()
        )
        billing = next((b for b in policy.spec.billing if "per_incident" in b.applies_to), None)
        rate = f"{billing.currency} {billing.hourly_rate}/h" if billing else "the hourly rate"
        if agreement is None:
            return Decision(
                Scope.NOT_ENTITLED,
                f"end users are supported per incident at {rate}, once they accept the charge",
                rule.clause,
                details={
                    "per_incident": True,
                    "rate": str(billing.hourly_rate) if billing else "",
                    "currency": billing.currency if billing else "",
                    "rate_clause": billing.clause if billing else rule.clause,
                },
            )
        return Decision(
            Scope.IN_SCOPE,
            f"per-incident support at {agreement.currency} {agreement.hourly_rate}/h, "
            f"accepted by {agreement.accepted_by}",
            rule.clause,
            agreement=agreement,
        )
    # An organisation has a handful of entitlements: one read, the dates compared here.
    held = list(
        Entitlement.objects.filter(organization=org, kind__in=rule.any_of, deactivated__isnull=True)
    )
    current = [
        e
        for e in held
        if e.starts <= local_day
        and (e.ends is None or e.ends >= local_day)
        and not (e.kind == "subscription" and not e.paid)
    ]
    found = min(current, key=lambda e: (e.starts, e.pk)) if current else None
    if found is not None:
        until = f" until {found.ends}" if found.ends else ""
        return Decision(
            Scope.IN_SCOPE, f"{found.get_kind_display().lower()} current{until}", rule.clause
        )
    kinds = ", ".join(k.replace("_", " ") for k in rule.any_of)
    ended = [e for e in held if e.ends is not None and e.ends < local_day]
    lapsed = max(ended, key=lambda e: (e.ends, -e.pk)) if ended else None
    extra = (
        f"; the last one ({lapsed.get_kind_display().lower()}) ended {lapsed.ends}"
        if lapsed
        else ""
    )
    return Decision(
        Scope.NOT_ENTITLED,
        f"no current {kinds} on {local_day}{extra}",
        rule.clause,
        details={
            "missing": [k.replace("_", " ") for k in rule.any_of],
            "on": local_day.isoformat(),
            "lapsed_kind": lapsed.get_kind_display().lower() if lapsed else "",
            "lapsed_ended": lapsed.ends.isoformat() if lapsed and lapsed.ends else "",
            "unpaid": any(
                e.kind == "subscription" and not e.paid and e.starts <= local_day for e in held
            ),
        },
    )


def install_window(policy: Policy) -> timedelta | None:
    """How long a delivered update may wait to be installed (capella 4.4), if the policy says."""
    rules = policy.spec.on_premises
    if rules is None:
        return None
    return timedelta(seconds=parse_duration(rules.update_install_within).seconds)


def delivery_late(delivery: UpdateDelivery, window: timedelta, today: date) -> bool:
    """Installed (or, if not yet, still uninstalled today) later than the window allows."""
    done = delivery.installed_on or today
    return done - delivery.received_on > window


def _on_premises(
    policy: Policy, org: Organization, contact: Contact, local_day: date
) -> tuple[Decision | None, list[dict[str, str]]]:
    rules = policy.spec.on_premises
    if rules is None or org.hosting != Hosting.ON_PREMISES:
        return None, []
    flags: list[dict[str, str]] = []
    if rules.designated_contact:
        if org.designated_contact_id is None:
            flags.append(
                _flag(
                    "no_designated_contact",
                    "the organisation has not named its designated contact",
                    rules.designated_contact_clause,
                )
            )
        elif org.designated_contact_id != contact.pk:
            flags.append(
                _flag(
                    "not_designated_contact",
                    f"accepted, but communications should go through {org.designated_contact}",
                    rules.designated_contact_clause,
                )
            )
    window = install_window(policy)
    assert window is not None
    installations = list(
        Installation.objects.filter(organization=org).select_related("release", "product")
    )
    if not installations:
        flags.append(
            _flag(
                "no_installation",
                "no installation on record: ask which release runs",
                rules.supported_releases_clause,
            )
        )
    blocking: Decision | None = None
    for inst in installations:
        for delivery in inst.deliveries.select_related("release"):
            if delivery_late(delivery, window, local_day):
                state = (
                    f"installed {delivery.installed_on}"
                    if delivery.installed_on
                    else "not installed"
                )
                flags.append(
                    _flag(
                        "late_update",
                        f"update {delivery.release.version} received {delivery.received_on}, {state} "
                        f"(due within {window.days} days)",
                        rules.update_install_clause,
                    )
                )
        current = supported(inst.product_id, local_day, rules.supported_previous_releases)
        if blocking is None and inst.release not in current:
            versions = ", ".join(r.version for r in current)
            blocking = Decision(
                Scope.AWAITING_UPGRADE,
                f"{inst.product} {inst.release.version} is no longer supported; please upgrade "
                f"to a supported release ({versions}) first",
                rules.supported_releases_clause,
                details={
                    "product": inst.product.name,
                    "installed": inst.release.version,
                    "supported": [r.version for r in current],
                },
            )
    return blocking, flags


def _missing_information(
    policy: Policy, org: Organization, contact: Contact, description: str, continues: bool
) -> list[dict[str, str]]:
    present = {
        "company_name": bool(org.name.strip()),
        "contact_name": bool(contact.name.strip()),
        "phone": bool(contact.phone.strip()),
        "email": bool(contact.email.strip()),
        "description": bool(description.strip()),
        "previous_request_number": continues,
    }
    flags = []
    for rf in policy.spec.required_fields:
        if rf.when == "continuation":
            continue  # only known when the customer quotes it; then it is present
        if not present[rf.field]:
            flags.append(
                _flag("missing_information", f"ask for: {rf.label}", rf.clause, field=rf.field)
            )
    return flags


def decide(
    policy: Policy,
    org: Organization,
    contact: Contact,
    notice: datetime,
    subject: str,
    description: str,
    *,
    continues: bool = False,
    request_id: int | None = None,
    request_type: str = "",
    suggest: bool = True,
) -> Decision:
    """The scope decision for a request with this notice instant and text.

    `request_type`: an excluded type the customer chose (the portal's form); it
    decides the exclusion whatever the text says. Otherwise the text is only read
    for a suggestion (`suggested` and its flag; accord/tickets/triage.py), which
    an agent confirms or dismisses; `suggest=False` when deciding a stored
    request again, whose suggestion was already made (and maybe dismissed).
    """
    local_day = notice.astimezone(policy.zone).date()
    flags = _missing_information(policy, org, contact, description, continues)
    release_block, release_flags = _on_premises(policy, org, contact, local_day)
    flags += release_flags
    exclusion = chosen_exclusion(policy, request_type)
    suggested = ""
    if exclusion is None and suggest:
        reading = read_exclusion(policy, subject, description)
        flags += suggestion_flags(policy, reading)
        suggested = reading.suggestion.exclusion.id if reading.suggestion else ""
    if exclusion is not None:
        return Decision(
            Scope.EXCLUDED,
            f"{exclusion.label} is not a supported request",
            exclusion.clause,
            guidance=exclusion.guidance,
            flags=flags,
        )
    entitled = _entitlement(policy, org, contact, local_day, request_id)
    if entitled.decision != Scope.IN_SCOPE:
        return Decision(
            entitled.decision,
            entitled.reason,
            entitled.clause,
            flags=flags,
            details=entitled.details,
            suggested=suggested,
        )
    if release_block is not None:
        return Decision(
            release_block.decision,
            release_block.reason,
            release_block.clause,
            flags=flags,
            agreement=entitled.agreement,
            details=release_block.details,
            suggested=suggested,
        )
    return Decision(
        Scope.IN_SCOPE,
        entitled.reason,
        entitled.clause,
        flags=flags,
        agreement=entitled.agreement,
        suggested=suggested,
    )
