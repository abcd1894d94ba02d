"""IMAP sources: the mailboxes the worker polls, saved and tested by admins.

`save_source` is the one writer (validated, audited, the configuration
permission). The password is write-only: it is stored because the worker must
log in with it, but no page, API answer, audit entry or log line shows it; an
edit that leaves it empty keeps the stored one. `check_connection` logs in with the
saved settings and opens each folder read-only, so an admin learns at once
whether the worker will be able to fetch, without fetching anything.
"""

from __future__ import annotations

import contextlib
import imaplib
import ipaddress
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accord.accounts.actor import Actor
from accord.accounts.permissions import CONFIGURATION, require
from accord.audit.services import record
from accord.errors import Invalid, NotFound
from accord.intake.mail.imap import ImapAccount, connect, encode_mailbox_name
from accord.intake.models import ImapSource, SupportAddress

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}
TEST_TIMEOUT = 15.0


@dataclass(frozen=True)
class SourceInput:
    """What an admin gives; `password` "" keeps the stored one (on an edit)."""

    name: str
    host: str
    port: int
    username: str
    password: str
    folders: str
    security: str
    after_store: str
    flag: str
    address: str  # a support address's email, or ""
    enabled: bool
    interval_seconds: int


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check(given: SourceInput, existing: ImapSource | None) -> dict[str, object]:
    name = given.name.strip()
    if not name or not all(c.isalnum() or c in "-_" for c in name):
        raise Invalid("name", "letters, digits, - and _ only (it names the mailbox)")
    taken = ImapSource.objects.filter(name=name)
    if existing is not None:
        taken = taken.exclude(pk=existing.pk)
    if taken.exists():
        raise Invalid("name", f"an IMAP source named {name!r} already exists")
    host = given.host.strip()
    if not host or any(c.isspace() for c in host):
        raise Invalid("host", "a host name or address")
    if not 1 <= given.port <= 65535:
        raise Invalid("port", "between 1 and 65535")
    if given.security not in ImapSource.Security.values:
        raise Invalid("security", f"one of {', '.join(ImapSource.Security.values)}")
    if given.security == ImapSource.Security.PLAIN and not _is_loopback(host):
        raise Invalid("security", "plain IMAP sends the password in clear: loopback hosts only")
    if given.after_store not in ImapSource.AfterStore.values:
        raise Invalid("after_store", f"one of {', '.join(ImapSource.AfterStore.values)}")
    if not given.username.strip():
        raise Invalid("username", "must not be empty")
    if existing is None and not given.password:
        raise Invalid("password", "must not be empty")
    folders = [f.strip() for f in given.folders.split(",") if f.strip()]
    if not folders:
        raise Invalid("folders", "at least one folder, e.g. INBOX")
    try:
        ImapAccount(host=host, port=given.port, username="x", password="", flag=given.flag.strip())
    except ValueError as exc:
        raise Invalid("flag", str(exc)) from None
    if not 30 <= given.interval_seconds <= 86400:
        raise Invalid("interval_seconds", "between 30 and 86400 seconds")
    address = None
    if given.address:
        address = SupportAddress.objects.filter(email=given.address.strip().lower()).first()
        if address is None:
            raise Invalid("address", f"no support address {given.address}")
    return {
        "name": name,
        "host": host,
        "port": given.port,
        "username": given.username.strip(),
        "folders": ", ".join(folders),
        "security": given.security,
        "after_store": given.after_store,
        "flag": given.flag.strip(),
        "address": address,
        "enabled": given.enabled,
        "interval_seconds": given.interval_seconds,
    }


@transaction.atomic
def save_source(
    actor: Actor, given: SourceInput, *, pk: int | None = None, now: datetime | None = None
) -> ImapSource:
    """Create (pk None) or update an IMAP source; the audit names the password only as changed."""
    require(actor, CONFIGURATION)
    now = now or timezone.now()
    existing = None
    if pk is not None:
        existing = ImapSource.objects.select_for_update().filter(pk=pk).first()
        if existing is None:
            raise NotFound("source", f"no IMAP source {pk}")
    values = _check(given, existing)
    row = existing or ImapSource()
    for key, value in values.items():
        setattr(row, key, value)
    if given.password:
        row.password = given.password
    if existing is None:
        row.next_fetch_at = now
    row.save()
    shown = {k: (v.email if isinstance(v, SupportAddress) else v) for k, v in values.items()}
    action = "imap_source.create" if existing is None else "imap_source.update"
    record(actor, action, row, now, password_changed=bool(given.password), **shown)
    return row


@dataclass(frozen=True)
class ConnectionCheck:
    ok: bool
    lines: list[str]


def check_connection(actor: Actor, pk: int) -> ConnectionCheck:
    """Log in with the saved settings and open each folder read-only; nothing is fetched."""
    require(actor, CONFIGURATION)
    source = ImapSource.objects.filter(pk=pk).first()
    if source is None:
        raise NotFound("source", f"no IMAP source {pk}")
    account = ImapAccount(
        host=source.host,
        port=source.port,
        username=source.username,
        password=source.password,
        security=source.security,  # type: ignore[arg-type]
        timeout=TEST_TIMEOUT,
    )
    where = f"{source.host}:{source.port}"
    try:
        conn = connect(account)
    except imaplib.IMAP4.error as exc:
        return ConnectionCheck(
            False, [f"{where}: login refused for {source.username}: {_text(exc)}"]
        )
    except OSError as exc:  # refused, unreachable, timed out, TLS (ssl.SSLError)
        return ConnectionCheck(False, [f"{where}: cannot connect: {exc}"])
    lines = [f"{where}: logged in as {source.username} ({source.get_security_display()})"]
    ok = True
    try:
        for folder in source.folder_list():
            typ, data = conn.select(encode_mailbox_name(folder), readonly=True)
            if typ == "OK":
                count = data[0].decode() if data and isinstance(data[0], bytes) else "?"
                lines.append(f"{folder}: {count} message(s)")
            else:
                ok = False
                lines.append(f"{folder}: cannot open: {_text(data)}")
    except (imaplib.IMAP4.error, OSError) as exc:
        ok = False
        lines.append(f"the server ended the session: {_text(exc)}")
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            conn.logout()
    return ConnectionCheck(ok, lines)


def _text(value: object) -> str:
    if isinstance(value, list | tuple):
        return " ".join(_text(v) for v in value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value).removeprefix("b'").removesuffix("'")
