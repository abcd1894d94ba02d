"""The on-premises release lifecycle (capella 4.4, 4.5): releases, installations, deliveries.

Which releases are supported is one function, `supported`: the product's
generally available releases on a given local day, newest version first, the
latest and the policy's N previous (capella 4.5: N = 3). A release counts once
it is generally available on that day: status `ga`, or `announced` with its
date reached (the worker's sweep records the change of status, but the answer
never waits for it). A withdrawn release never counts. Versions are ordered as
versions ("7.10" after "7.9"), not by date, because a patch to an older line
can ship after a newer major release.

Every delivery carries its window, computed when it is recorded from the
organisation's policy: `remind_on` (the day-20 reminder, `update_reminder_after`)
and `late_on` (the first day after `update_install_within`). The sweep reads
those two indexed dates; installing the delivery clears both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accord.accounts.actor import SYSTEM, Actor
from accord.audit.services import record
from accord.contracts.models import (
    Hosting,
    Installation,
    InstallationChange,
    Organization,
    Product,
    Release,
    ReleaseStatus,
    UpdateDelivery,
)
from accord.contracts.services import _recheck, _referenced_organization, _staff_only, _text
from accord.errors import Invalid, NotFound
from accord.sla import Policy, load_policy
from accord.sla.durations import parse_duration

_PART = re.compile(r"(\d+)|([^\d.\-_+]+)")


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key for version strings: numbers compare as numbers, "7.10" > "7.9".

    A number sorts after a word in the same place, so "8.0" > "8.0-rc1" is not
    claimed; pre-release naming is not something the policies define.
    """
    return tuple(
        (1, int(num)) if num else (0, word.lower()) for num, word in _PART.findall(version)
    )


def is_available(release: Release, day: date) -> bool:
    """Generally available on this local day (announced releases on their date)."""
    if release.status == ReleaseStatus.WITHDRAWN or release.released_on > day:
        return False
    return release.status in (ReleaseStatus.GENERALLY_AVAILABLE, ReleaseStatus.ANNOUNCED)


def available_releases(product_id: int, day: date) -> list[Release]:
    """The product's generally available releases on `day`, newest version first."""
    found = [
        r
        for r in Release.objects.filter(product_id=product_id, released_on__lte=day).exclude(
            status=ReleaseStatus.WITHDRAWN
        )
        if is_available(r, day)
    ]
    return sorted(found, key=lambda r: version_key(r.version), reverse=True)


def supported(product_id: int, day: date, previous: int) -> list[Release]:
    """capella 4.5: the latest release and the `previous` releases before it."""
    return available_releases(product_id, day)[: previous + 1]


def policy_day(org: Organization, now: datetime) -> tuple[Policy, date]:
    policy = load_policy(org.policy)
    return policy, now.astimezone(policy.zone).date()


def keep_previous(policy: Policy) -> int | None:
    rules = policy.spec.on_premises
    return None if rules is None else rules.supported_previous_releases


@dataclass(frozen=True)
class Unsupported:
    installation: Installation
    supported: list[Release]


def unsupported_installations(now: datetime, product_id: int | None = None) -> list[Unsupported]:
    """Every on-premises installation running a release its policy no longer supports."""
    found: list[Unsupported] = []
    rows = Installation.objects.select_related("organization", "release", "product")
    if product_id is not None:
        rows = rows.filter(product_id=product_id)
    for inst in rows.order_by("organization__name", "product__name"):
        policy, day = policy_day(inst.organization, now)
        keep = keep_previous(policy)
        if keep is None or inst.organization.hosting != Hosting.ON_PREMISES:
            continue
        window = supported(inst.product_id, day, keep)
        if inst.release not in window:
            found.append(Unsupported(inst, window))
    return found


def falls_out(release: Release, now: datetime) -> list[Unsupported]:
    """Installations supported now that `release` going generally available leaves behind."""
    found: list[Unsupported] = []
    rows = Installation.objects.filter(product=release.product_id).select_related(
        "organization", "release", "product"
    )
    for inst in rows.order_by("organization__name"):
        policy, day = policy_day(inst.organization, now)
        keep = keep_previous(policy)
        if keep is None:
            continue
        current = available_releases(release.product_id, day)
        before = [r for r in current if r.pk != release.pk][: keep + 1]
        after = sorted(
            [*(r for r in current if r.pk != release.pk), release],
            key=lambda r: version_key(r.version),
            reverse=True,
        )[: keep + 1]
        if inst.release in before and inst.release not in after:
            found.append(Unsupported(inst, after))
    return found


def late_deliveries() -> list[UpdateDelivery]:
    """Deliveries flagged late (day 31) and still not installed, oldest first."""
    return list(
        UpdateDelivery.objects.filter(installed_on__isnull=True, late_since__isnull=False)
        .select_related("installation__organization", "installation__product", "release")
        .order_by("received_on", "id")
    )


def _check_status(status: str, released_on: date, today: date) -> str:
    if status not in ReleaseStatus.values:
        raise Invalid("status", f"expected one of {', '.join(ReleaseStatus.values)}")
    if status == ReleaseStatus.GENERALLY_AVAILABLE and released_on > today:
        raise Invalid("status", f"a release available from {released_on} is announced until then")
    return status


@transaction.atomic
def add_release(
    actor: Actor,
    *,
    product: str,
    version: str,
    released_on: date,
    status: str | None = None,
    now: datetime | None = None,
) -> Release:
    """A release; without `status` it is announced until its date, then generally available."""
    _staff_only(actor)
    now = now or timezone.now()
    today = now.date()
    if status is None:
        status = (
            ReleaseStatus.ANNOUNCED if released_on > today else ReleaseStatus.GENERALLY_AVAILABLE
        )
    status = _check_status(status, released_on, today)
    prod, _ = Product.objects.get_or_create(name=_text(product, "product", max_length=100))
    version = _text(version, "version", max_length=40)
    if not _PART.search(version):
        raise Invalid("version", "must contain a number or a name")
    if Release.objects.filter(product=prod, version=version).exists():
        raise Invalid("version", f"{prod} {version} already exists")
    rel = Release.objects.create(
        product=prod, version=version, released_on=released_on, status=status
    )
    record(
        actor,
        "release.create",
        rel,
        now,
        product=prod.name,
        version=version,
        released_on=str(released_on),
        status=status,
    )
    return rel


@transaction.atomic
def edit_release(
    actor: Actor,
    release: int,
    *,
    status: str | None = None,
    released_on: date | None = None,
    now: datetime | None = None,
) -> Release:
    """Move a release's date or status (withdraw it, or make it available)."""
    _staff_only(actor)
    now = now or timezone.now()
    rel = Release.objects.select_for_update().filter(pk=release).first()
    if rel is None:
        raise NotFound("release", f"no release {release}")
    before = {"status": rel.status, "released_on": str(rel.released_on)}
    if released_on is not None:
        rel.released_on = released_on
    if status is not None:
        rel.status = _check_status(status, rel.released_on, now.date())
    elif rel.status == ReleaseStatus.GENERALLY_AVAILABLE and rel.released_on > now.date():
        rel.status = ReleaseStatus.ANNOUNCED  # moved into the future
    rel.save(update_fields=["status", "released_on"])
    record(
        actor,
        "release.edit",
        rel,
        now,
        before=before,
        status=rel.status,
        released_on=str(rel.released_on),
    )
    for org_id in set(
        Installation.objects.filter(product=rel.product_id).values_list(
            "organization_id", flat=True
        )
    ):
        _recheck(actor, Organization.objects.get(pk=org_id), now)
    return rel


def _history(inst: Installation, rel: Release, since: date, now: datetime, delivery=None) -> None:
    InstallationChange.objects.create(
        installation=inst, release=rel, since=since, delivery=delivery, recorded=now
    )


@transaction.atomic
def set_installation(
    actor: Actor,
    *,
    organization: int,
    release: int,
    since: date | None = None,
    now: datetime | None = None,
) -> Installation:
    """Record which release an on-premises organisation runs (one per product), from `since`."""
    _staff_only(actor)
    now = now or timezone.now()
    org = _referenced_organization(actor, organization)
    if org.hosting != Hosting.ON_PREMISES:
        raise Invalid("organization", "only on-premises organisations have installations")
    rel = Release.objects.select_related("product").filter(pk=release).first()
    if rel is None:
        raise Invalid("release", f"no release {release}")
    if rel.status == ReleaseStatus.WITHDRAWN:
        raise Invalid("release", f"{rel} was withdrawn")
    _, today = policy_day(org, now)
    since = since or today
    if since > today:
        raise Invalid("since", "must not be in the future")
    inst, _ = Installation.objects.update_or_create(
        organization=org, product=rel.product, defaults={"release": rel}
    )
    _history(inst, rel, since, now)
    record(actor, "installation.set", inst, now, release=rel.pk, version=rel.version)
    _recheck(actor, org, now)
    return inst


def _window(org: Organization, received_on: date) -> tuple[date | None, date | None]:
    rules = load_policy(org.policy).spec.on_premises
    if rules is None:
        return None, None
    within = parse_duration(rules.update_install_within).seconds // 86400
    remind = parse_duration(rules.update_reminder_after).seconds // 86400
    return received_on + timedelta(days=remind), received_on + timedelta(days=within + 1)


def _install(
    actor: Actor, inst: Installation, delivery: UpdateDelivery, day: date, now: datetime
) -> None:
    inst.release = delivery.release
    inst.save(update_fields=["release"])
    _history(inst, delivery.release, day, now, delivery)
    _recheck(actor, inst.organization, now)


@transaction.atomic
def record_delivery(
    actor: Actor,
    *,
    installation: int,
    release: int,
    received_on: date,
    installed_on: date | None = None,
    now: datetime | None = None,
) -> UpdateDelivery:
    """capella 4.4: an update the customer received; installing it moves the installation."""
    _staff_only(actor)
    now = now or timezone.now()
    inst = Installation.objects.select_related("organization").filter(pk=installation).first()
    if inst is None or (
        actor.organization is not None and actor.organization.pk != inst.organization_id
    ):
        raise Invalid("installation", f"no installation {installation}")
    rel = Release.objects.filter(pk=release, product=inst.product_id).first()
    if rel is None:
        raise Invalid("release", f"no release {release} of {inst.product}")
    if rel.status == ReleaseStatus.WITHDRAWN:
        raise Invalid("release", f"{rel} was withdrawn and cannot be delivered")
    if received_on < rel.released_on:
        raise Invalid(
            "received_on", f"{rel} is available from {rel.released_on}; it cannot arrive earlier"
        )
    _, today = policy_day(inst.organization, now)
    if received_on > today:
        raise Invalid("received_on", "must not be in the future")
    if installed_on is not None and installed_on < received_on:
        raise Invalid("installed_on", "must not be before received_on")
    if installed_on is not None and installed_on > today:
        raise Invalid("installed_on", "must not be in the future")
    remind_on, late_on = _window(inst.organization, received_on)
    delivery = UpdateDelivery.objects.create(
        installation=inst,
        release=rel,
        received_on=received_on,
        installed_on=installed_on,
        remind_on=remind_on,
        late_on=late_on,
    )
    record(actor, "delivery.create", delivery, now, release=rel.version)
    if installed_on is not None:
        _install(actor, inst, delivery, installed_on, now)
    return delivery


@transaction.atomic
def install_delivery(
    actor: Actor, delivery: int, *, installed_on: date, now: datetime | None = None
) -> UpdateDelivery:
    """The customer installed a delivered update: the installation moves, a late flag clears."""
    _staff_only(actor)
    now = now or timezone.now()
    found = (
        UpdateDelivery.objects.select_for_update(of=("self",))
        .select_related("installation__organization", "release")
        .filter(pk=delivery)
        .first()
    )
    if found is None:
        raise NotFound("delivery", f"no delivery {delivery}")
    if found.installed_on is not None:
        raise Invalid("installed_on", f"already installed on {found.installed_on}")
    if installed_on < found.received_on:
        raise Invalid("installed_on", "must not be before received_on")
    inst = found.installation
    _, today = policy_day(inst.organization, now)
    if installed_on > today:
        raise Invalid("installed_on", "must not be in the future")
    found.installed_on = installed_on
    found.save(update_fields=["installed_on"])
    record(
        actor,
        "delivery.installed",
        found,
        now,
        installed_on=str(installed_on),
        was_late=found.late_since is not None,
    )
    _install(actor, inst, found, installed_on, now)
    return found


def _announced_due(now: datetime) -> Q:
    # The earliest zone's date: a sweep may run a day early for western zones, which
    # only records the status; `is_available` already answers per local day.
    return Q(status=ReleaseStatus.ANNOUNCED, released_on__lte=now.date())


@transaction.atomic
def sweep(now: datetime | None = None) -> dict[str, int]:
    """The worker's lifecycle pass: announced releases whose date came, and late deliveries.

    Each change is audited. Releases are promoted when their date is reached
    (UTC); the installations that fall out of support are recorded in the
    audit entry and listed by `unsupported_installations`.
    """
    now = now or timezone.now()
    actor = SYSTEM
    promoted = 0
    for rel in Release.objects.select_for_update(skip_locked=True).filter(_announced_due(now)):
        dropped = falls_out(rel, now)
        rel.status = ReleaseStatus.GENERALLY_AVAILABLE
        rel.save(update_fields=["status"])
        record(
            actor,
            "release.available",
            rel,
            now,
            falls_out=[u.installation.pk for u in dropped],
        )
        promoted += 1
    flagged = 0
    due = (
        UpdateDelivery.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(
            installed_on__isnull=True,
            late_since__isnull=True,
            late_on__lte=now.date() + timedelta(days=1),
        )
        .select_related("installation__organization", "release")
    )
    for delivery in due:
        _, today = policy_day(delivery.installation.organization, now)
        if delivery.late_on is None or delivery.late_on > today:
            continue
        delivery.late_since = delivery.late_on
        delivery.save(update_fields=["late_since"])
        record(actor, "delivery.late", delivery, now, late_since=str(delivery.late_on))
        flagged += 1
    return {"promoted": promoted, "late": flagged}
