"""Desk configuration for automation: support addresses and IMAP sources (admins).

The same services as Administration › Support addresses and › IMAP sources
(accord.intake.addresses, accord.intake.imap_sources): validated, audited, the
configuration permission. An IMAP source's password is write-only here too: it
is accepted on create and update and never returned (`password_set` says whether
one is stored).
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from ninja import Status as HttpStatus

from accord.accounts.permissions import CONFIGURATION, require
from accord.api.auth import actor_of
from accord.api.schemas import ErrorOut
from accord.intake.addresses import save_address
from accord.intake.imap_sources import SourceInput, check_connection, save_source
from accord.intake.models import ImapSource, SupportAddress

router = Router(tags=["configuration"])
ERRORS = {code: ErrorOut for code in (401, 403, 404, 409, 422)}


class AddressIn(Schema):
    email: str
    name: str
    policy: str
    level: str
    team: str | None = None
    is_default: bool = False


class AddressOut(Schema):
    id: int
    email: str
    name: str
    policy: str
    level: str
    team: str | None
    is_default: bool


class SourceIn(Schema):
    name: str
    host: str
    port: int = 993
    security: str = "ssl"
    username: str
    password: str = ""  # on an update, "" keeps the stored one
    folders: str = "INBOX"
    after_store: str = "flag"
    flag: str = "$Accord"
    address: str = ""
    interval_seconds: int = 60
    enabled: bool = True


class SourceOut(Schema):
    id: int
    name: str
    host: str
    port: int
    security: str
    username: str
    password_set: bool
    folders: str
    after_store: str
    flag: str
    address: str
    interval_seconds: int
    enabled: bool
    last_result: str


class CheckOut(Schema):
    ok: bool
    lines: list[str]


def _address(a: SupportAddress) -> dict[str, object]:
    return {
        "id": a.pk,
        "email": a.email,
        "name": a.name,
        "policy": a.policy,
        "level": a.level,
        "team": a.team.name if a.team else None,
        "is_default": a.is_default,
    }


def _source(s: ImapSource) -> dict[str, object]:
    return {
        "id": s.pk,
        "name": s.name,
        "host": s.host,
        "port": s.port,
        "security": s.security,
        "username": s.username,
        "password_set": bool(s.password),
        "folders": s.folders,
        "after_store": s.after_store,
        "flag": s.flag,
        "address": s.address.email if s.address else "",
        "interval_seconds": s.interval_seconds,
        "enabled": s.enabled,
        "last_result": s.last_result,
    }


@router.get("/support-addresses", response={200: list[AddressOut], **ERRORS})
def list_addresses(request: HttpRequest):
    require(actor_of(request), CONFIGURATION)
    return [_address(a) for a in SupportAddress.objects.select_related("team").order_by("email")]


@router.post("/support-addresses", response={201: AddressOut, **ERRORS})
def save_support_address(request: HttpRequest, payload: AddressIn):
    """Create the address, or update the row with that email (mail is routed by it)."""
    data = payload.dict()
    row = save_address(data.pop("email"), actor=actor_of(request), **data)
    return HttpStatus(201, _address(row))


@router.get("/imap-sources", response={200: list[SourceOut], **ERRORS})
def list_sources(request: HttpRequest):
    require(actor_of(request), CONFIGURATION)
    return [_source(s) for s in ImapSource.objects.select_related("address").order_by("name")]


@router.post("/imap-sources", response={201: SourceOut, **ERRORS})
def create_source(request: HttpRequest, payload: SourceIn):
    row = save_source(actor_of(request), SourceInput(**payload.dict()))
    return HttpStatus(201, _source(row))


@router.put("/imap-sources/{source_id}", response={200: SourceOut, **ERRORS})
def update_source(request: HttpRequest, source_id: int, payload: SourceIn):
    """The whole source again; an empty password keeps the stored one."""
    row = save_source(actor_of(request), SourceInput(**payload.dict()), pk=source_id)
    return _source(row)


@router.post("/imap-sources/{source_id}/test", response={200: CheckOut, **ERRORS})
def test_source(request: HttpRequest, source_id: int):
    """Log in with the saved settings and open each folder read-only; fetches nothing."""
    result = check_connection(actor_of(request), source_id)
    return {"ok": result.ok, "lines": result.lines}
