"""Storing raw messages durably, before anything else happens to them.

`store_raw` commits the exact bytes in a transaction of their own and returns
the row plus whether this delivery created it; `insert_raw` does the same
inside the caller's transaction (the pipeline's `ingest`, which commits the
raw row together with its processing or its quarantine). The same message
delivered again (same `dedupe_key`, i.e. Message-ID or else the hash of the
bytes) creates nothing: the existing row's `deliveries` is counted up. The
same Message-ID with different bytes is kept too, as a `duplicate` row
pointing at the first one, so that no byte that reached us is ever lost.
"""

from __future__ import annotations

import email.utils
import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accord.intake.mail.model import ParsedMessage
from accord.intake.models import RawMessage
from accord.intake.text import clean

MAX_KEY = 600


@dataclass(frozen=True)
class Origin:
    """Where a message came from: the MTA pipe or an IMAP folder."""

    source: str = "pipe"
    mailbox: str = ""
    folder: str = ""
    uidvalidity: int | None = None
    uid: int | None = None


def dedupe_key(parsed: ParsedMessage) -> str:
    """The parser's key, hashed when too long for an index."""
    key = parsed.dedupe_key
    if len(key) <= MAX_KEY and clean(key) == key:
        return key
    return "idsha256:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def date_offset_minutes(parsed: ParsedMessage) -> int | None:
    """The UTC offset the sender's clock wrote in the Date header, in minutes, if any."""
    value = parsed.header("Date")
    if not value:
        return None
    try:
        parts = email.utils.parsedate_tz(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parts is None or parts[9] is None or "-0000" in value:
        return None
    minutes = int(parts[9]) // 60
    return minutes if -14 * 60 <= minutes <= 14 * 60 else None


def _insert(
    raw: bytes, parsed: ParsedMessage, origin: Origin, now: datetime, **extra: object
) -> RawMessage:
    with transaction.atomic():
        return RawMessage.objects.create(
            dedupe_key=dedupe_key(parsed),
            sha256=parsed.sha256,
            message_id=clean(parsed.message_id or "")[:1000],
            raw=raw,
            size=parsed.size,  # the original's, for a stand-in (oversize.py)
            source=origin.source,
            mailbox=origin.mailbox,
            folder=origin.folder,
            uidvalidity=origin.uidvalidity,
            uid=origin.uid,
            received_at=now,
            sender=clean(parsed.from_addr.email if parsed.from_addr else "")[:320],
            subject=clean(parsed.subject)[:300],
            date_offset_minutes=date_offset_minutes(parsed),
            **extra,
        )


def durable_commits() -> None:
    """On SQLite, make this connection's commits survive a power loss (synchronous=FULL).

    The desk runs SQLite in WAL mode with synchronous=NORMAL, where the last commits
    can be lost when the machine loses power. A mail the MTA deletes after our exit 0
    must not be, so a connection that stores raw mail syncs every commit.
    """
    conn = transaction.get_connection()
    if conn.vendor == "sqlite":
        with conn.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=FULL")


def store_raw(
    raw: bytes, parsed: ParsedMessage, origin: Origin, now: datetime | None = None
) -> tuple[RawMessage, bool]:
    """Commit the raw message; (row, True) if this delivery stored it, else the earlier row.

    Must be called outside any transaction: it returns only once the row is
    committed. Raises DatabaseError when the database is unavailable.
    """
    if transaction.get_connection().in_atomic_block:
        raise RuntimeError("store_raw must commit on its own; call it outside a transaction")
    durable_commits()
    with transaction.atomic():
        return insert_raw(raw, parsed, origin, now)


def insert_raw(
    raw: bytes,
    parsed: ParsedMessage,
    origin: Origin,
    now: datetime | None = None,
    **extra: object,
) -> tuple[RawMessage, bool]:
    """`store_raw` inside the caller's transaction, which commits it (durably: see
    `durable_commits`). `extra`: more fields for a row this delivery creates."""
    now = now or timezone.now()
    key = dedupe_key(parsed)
    for _ in range(3):
        try:
            return _insert(raw, parsed, origin, now, **extra), True
        except IntegrityError:
            pass
        same = RawMessage.objects.filter(sha256=parsed.sha256).defer("raw").first()
        if same is not None:
            RawMessage.objects.filter(pk=same.pk).update(deliveries=F("deliveries") + 1)
            same.refresh_from_db(fields=["deliveries", "state", "request", "reason"])
            return same, False
        first = (
            RawMessage.objects.filter(dedupe_key=key)
            .exclude(state=RawMessage.State.DUPLICATE)
            .defer("raw")
            .first()
        )
        if first is not None:
            try:
                row = _insert(
                    raw,
                    parsed,
                    origin,
                    now,
                    state=RawMessage.State.DUPLICATE,
                    duplicate_of=first,
                    reason=f"same Message-ID as raw message {first.pk}, different bytes",
                )
            except IntegrityError:
                continue  # the same variant arrived twice at once; look again
            return row, True
    raise IntegrityError(f"could not store or find the message {key}")
