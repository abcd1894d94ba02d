"""The organisation and contact pages' read model.

What an agent needs to know about a customer before answering: the contract
(entitlements with their dates, whether one is current), on-premises
installations with whether each release is still supported (capella 4.5),
update deliveries and which were installed late or not yet (4.4), the
designated contact (4.3), the people, and their requests with their verdicts.
The rules (supported releases, the install window) are the tickets app's
(`accord.tickets.scope`), never restated here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Prefetch, QuerySet

from accord.contracts.models import (
    Contact,
    Entitlement,
    Installation,
    Organization,
    Release,
    UpdateDelivery,
)
from accord.contracts.releases import supported as supported_releases
from accord.sla import load_policy
from accord.tickets.models import Request, SlaTarget, TargetState
from accord.tickets.scope import delivery_late, install_window

RECENT = 50


@dataclass(frozen=True)
class EntitlementView:
    row: Entitlement
    current: bool


@dataclass(frozen=True)
class InstallationView:
    row: Installation
    supported: bool
    supported_versions: list[str]
    deliveries: list[DeliveryView]


@dataclass(frozen=True)
class DeliveryView:
    row: UpdateDelivery
    late: bool


@dataclass(frozen=True)
class Verdict:
    kind: str
    state: str  # met, breached, running, paused


@dataclass(frozen=True)
class RequestLine:
    request: Request
    verdicts: list[Verdict]


def _verdicts(req: Request, now: datetime) -> list[Verdict]:
    out = []
    for t in sorted(req.targets.all(), key=lambda t: t.kind):
        overdue = t.state == TargetState.RUNNING and t.due is not None and t.due < now
        out.append(Verdict(t.kind, "breached" if overdue else t.state))
    return out


def request_lines(qs: QuerySet[Request], now: datetime, limit: int = RECENT) -> list[RequestLine]:
    """The newest requests with their targets' verdicts as of now (two queries)."""
    rows = (
        qs.select_related("organization", "contact", "assignee")
        .prefetch_related(Prefetch("targets", queryset=SlaTarget.objects.all()))
        .order_by("-received", "-number")[:limit]
    )
    return [RequestLine(r, _verdicts(r, now)) for r in rows]


def today_of(org: Organization, now: datetime) -> date:
    return now.astimezone(load_policy(org.policy).zone).date()


def entitlements(org: Organization, today: date) -> list[EntitlementView]:
    rows = org.entitlements.order_by("-starts", "-pk")
    return [
        EntitlementView(
            e,
            e.deactivated is None and e.starts <= today and (e.ends is None or today <= e.ends),
        )
        for e in rows
    ]


def installations(org: Organization, today: date) -> list[InstallationView]:
    policy = load_policy(org.policy)
    rules = policy.spec.on_premises
    window = install_window(policy)
    keep = rules.supported_previous_releases if rules is not None else None
    out = []
    for inst in org.installations.select_related("product", "release").order_by("product__name"):
        supported = supported_releases(inst.product_id, today, keep) if keep is not None else []
        deliveries = [
            DeliveryView(d, window is not None and delivery_late(d, window, today))
            for d in inst.deliveries.select_related("release").order_by("-received_on", "-pk")
        ]
        out.append(
            InstallationView(
                inst,
                keep is None or inst.release in supported,
                [r.version for r in supported],
                deliveries,
            )
        )
    return out


@dataclass(frozen=True)
class LateInstallation:
    organization: Organization
    installation: Installation
    delivery: UpdateDelivery
    release: Release
    days: int  # days from receipt to installation (or to today)


def late_installations(now: datetime) -> list[LateInstallation]:
    """Every delivery, across customers, installed later than its policy allows (or not yet)."""
    out = []
    deliveries = UpdateDelivery.objects.select_related(
        "installation__organization", "installation__product", "release"
    ).order_by("received_on", "pk")
    for d in deliveries:
        org = d.installation.organization
        window = install_window(load_policy(org.policy))
        today = today_of(org, now)
        if window is not None and delivery_late(d, window, today):
            days = ((d.installed_on or today) - d.received_on).days
            out.append(LateInstallation(org, d.installation, d, d.release, days))
    return out


def contacts(org: Organization) -> list[Contact]:
    return list(org.contacts.order_by("name", "pk"))
