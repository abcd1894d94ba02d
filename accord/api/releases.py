"""Releases, installations and update deliveries (capella 4.4, 4.5); staff only to change.

Customers (contact tokens) may read their own installations and their
history; the lists of late and unsupported installations are the vendor's.
"""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja import Status as HttpStatus

from accord.api.auth import actor_of
from accord.api.schemas import ErrorOut
from accord.contracts import releases as lifecycle
from accord.contracts.models import Installation, Release, UpdateDelivery
from accord.contracts.services import get_organization
from accord.errors import NotFound
from accord.tickets.actions import require_staff

router = Router(tags=["releases"])
ERRORS = {code: ErrorOut for code in (401, 403, 404, 409, 422)}


class ReleaseIn(Schema):
    product: str
    version: str
    released_on: date
    status: str | None = None


class ReleaseEdit(Schema):
    status: str | None = None
    released_on: date | None = None


class ReleaseOut(Schema):
    id: int
    product: str
    version: str
    released_on: date
    status: str


class InstallationIn(Schema):
    organization: int
    release: int
    since: date | None = None


class InstallationOut(Schema):
    id: int
    organization: int
    organization_name: str
    product: str
    release: int
    version: str


class HistoryOut(Schema):
    release: int
    version: str
    since: date
    delivery: int | None


class UnsupportedOut(InstallationOut):
    supported: list[str]


class DeliveryIn(Schema):
    installation: int
    release: int
    received_on: date
    installed_on: date | None = None


class InstalledIn(Schema):
    installed_on: date


class DeliveryOut(Schema):
    id: int
    installation: int
    organization: int
    release: int
    version: str
    received_on: date
    installed_on: date | None
    remind_on: date | None
    reminded: bool
    late_on: date | None
    late_since: date | None
    late: bool


def release_out(r: Release) -> dict[str, object]:
    return {
        "id": r.pk,
        "product": r.product.name,
        "version": r.version,
        "released_on": r.released_on,
        "status": r.status,
    }


def installation_out(i: Installation) -> dict[str, object]:
    return {
        "id": i.pk,
        "organization": i.organization_id,
        "organization_name": i.organization.name,
        "product": i.product.name,
        "release": i.release_id,
        "version": i.release.version,
    }


def delivery_out(d: UpdateDelivery) -> dict[str, object]:
    return {
        "id": d.pk,
        "installation": d.installation_id,
        "organization": d.installation.organization_id,
        "release": d.release_id,
        "version": d.release.version,
        "received_on": d.received_on,
        "installed_on": d.installed_on,
        "remind_on": d.remind_on,
        "reminded": d.reminded_at is not None,
        "late_on": d.late_on,
        "late_since": d.late_since,
        "late": d.is_late,
    }


def _unsupported(rows: list[lifecycle.Unsupported]) -> list[dict[str, object]]:
    return [
        {**installation_out(u.installation), "supported": [r.version for r in u.supported]}
        for u in rows
    ]


def _staff(request: HttpRequest) -> None:
    require_staff(actor_of(request))


@router.post("/releases", response={201: ReleaseOut, **ERRORS})
def create_release(request: HttpRequest, payload: ReleaseIn):
    """A release; without `status` it is announced until `released_on`, then available."""
    return HttpStatus(201, release_out(lifecycle.add_release(actor_of(request), **payload.dict())))


@router.patch("/releases/{release_id}", response={200: ReleaseOut, **ERRORS})
def edit_release(request: HttpRequest, release_id: int, payload: ReleaseEdit):
    """Withdraw a release, make it available, or move its date."""
    return release_out(lifecycle.edit_release(actor_of(request), release_id, **payload.dict()))


@router.get("/releases", response={200: list[ReleaseOut], **ERRORS})
def list_releases(request: HttpRequest, product: str | None = None):
    qs = Release.objects.select_related("product").order_by("product__name", "-released_on")
    if product is not None:
        qs = qs.filter(product__name=product)
    return [release_out(r) for r in qs]


@router.get("/releases/{release_id}/falls-out", response={200: list[UnsupportedOut], **ERRORS})
def falls_out(request: HttpRequest, release_id: int):
    """Installations supported today that this release going generally available leaves out."""
    _staff(request)
    rel = Release.objects.select_related("product").filter(pk=release_id).first()
    if rel is None:
        raise NotFound("release", f"no release {release_id}")
    return _unsupported(lifecycle.falls_out(rel, timezone.now()))


@router.post("/installations", response={201: InstallationOut, **ERRORS})
def set_installation(request: HttpRequest, payload: InstallationIn):
    inst = lifecycle.set_installation(actor_of(request), **payload.dict())
    return HttpStatus(201, installation_out(inst))


@router.get("/installations", response={200: list[InstallationOut], **ERRORS})
def list_installations(request: HttpRequest, organization: int | None = None):
    actor = actor_of(request)
    qs = Installation.objects.select_related("product", "release", "organization").order_by("pk")
    if organization is not None:
        qs = qs.filter(organization=get_organization(actor, organization))
    elif actor.organization is not None:
        qs = qs.filter(organization=actor.organization)
    return [installation_out(i) for i in qs]


@router.get("/installations/unsupported", response={200: list[UnsupportedOut], **ERRORS})
def unsupported(request: HttpRequest):
    """Every installation on a release its policy no longer supports (capella 4.5)."""
    _staff(request)
    return _unsupported(lifecycle.unsupported_installations(timezone.now()))


@router.get("/installations/{installation_id}/history", response={200: list[HistoryOut], **ERRORS})
def history(request: HttpRequest, installation_id: int):
    actor = actor_of(request)
    inst = Installation.objects.filter(pk=installation_id).first()
    if inst is None:
        raise NotFound("installation", f"no installation {installation_id}")
    get_organization(actor, inst.organization_id, "installation")
    return [
        {
            "release": h.release_id,
            "version": h.release.version,
            "since": h.since,
            "delivery": h.delivery_id,
        }
        for h in inst.history.select_related("release")
    ]


@router.post("/deliveries", response={201: DeliveryOut, **ERRORS})
def record_delivery(request: HttpRequest, payload: DeliveryIn):
    """capella 4.4: an update delivered; with `installed_on` the installation moves to it."""
    d = lifecycle.record_delivery(actor_of(request), **payload.dict())
    return HttpStatus(201, delivery_out(d))


@router.post("/deliveries/{delivery_id}/installed", response={200: DeliveryOut, **ERRORS})
def installed(request: HttpRequest, delivery_id: int, payload: InstalledIn):
    """The customer installed the update: the installation moves and a late flag clears."""
    return delivery_out(
        lifecycle.install_delivery(actor_of(request), delivery_id, **payload.dict())
    )


@router.get("/deliveries/late", response={200: list[DeliveryOut], **ERRORS})
def late(request: HttpRequest):
    """capella 4.4: deliveries flagged late (day 31) and still not installed."""
    _staff(request)
    return [delivery_out(d) for d in lifecycle.late_deliveries()]
