"""The history record `accord import` reads, and its JSONL form (docs/import.md).

One record is one request of another desk with its whole timeline. Readers of
other desks' CSV exports (`accord.tickets.history_csv`) produce the same
records, so every format goes through one validation and one import path.
Parsing is plain Python (no database): a bad record raises `Invalid` naming
its line and field, e.g. `line 12: events[3].at`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from accord.errors import Invalid
from accord.sla.clock import EVENT_TYPES
from accord.sla.errors import SlaInputError
from accord.sla.jsonio import parse_instant
from accord.sla.policy_spec import CHANNELS, STATUSES

# Engine events that carry a message (the others only move the clocks).
MESSAGE_TYPES = frozenset({"agent_reply", "auto_reply", "internal_note", "customer_reply"})


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    at: datetime
    type: str  # one of the engine's EVENT_TYPES
    to: str | None = None  # the new status or level
    body: str = ""  # the message text, for the MESSAGE_TYPES
    author: str = ""  # who wrote it, as the other desk named them


@dataclass(frozen=True, slots=True)
class HistoryRecord:
    """One request to import. `line` is where it started in its file (for errors)."""

    id: str
    organization: str
    contact_email: str
    contact_name: str
    channel: str
    level: str
    received: datetime
    subject: str
    description: str
    events: tuple[HistoryEvent, ...] = ()
    line: int = 0

    @property
    def status(self) -> str:
        """The status after the last status event (open when none)."""
        last = "open"
        for ev in self.events:
            if ev.type == "status" and ev.to:
                last = ev.to
        return last

    @property
    def current_level(self) -> str:
        last = self.level
        for ev in self.events:
            if ev.type == "level" and ev.to:
                last = ev.to
        return last


def _where(line: int, name: str) -> str:
    return f"line {line}: {name}"


def _text(data: dict[str, Any], name: str, line: int, *, required: bool = True) -> str:
    value = data.get(name)
    if value is None or value == "":
        if required:
            raise Invalid(_where(line, name), "missing")
        return ""
    if not isinstance(value, str | int):
        raise Invalid(_where(line, name), "expected a string")
    return str(value).strip()


def _instant(value: Any, name: str, line: int) -> datetime:
    try:
        return parse_instant(value, name)
    except SlaInputError as exc:
        raise Invalid(_where(line, name), exc.message) from None


def build_record(data: Any, line: int) -> HistoryRecord:
    """A record from its JSON object; Invalid names the line and the field."""
    if not isinstance(data, dict):
        raise Invalid(_where(line, "(record)"), "expected a JSON object")
    contact = data.get("contact")
    if not isinstance(contact, dict):
        raise Invalid(_where(line, "contact"), 'expected {"email": ..., "name": ...}')
    email = _text(contact, "email", line).lower()
    if "@" not in email:
        raise Invalid(_where(line, "contact.email"), f"not an email address: {email!r}")
    channel = _text(data, "channel", line)
    if channel not in CHANNELS:
        raise Invalid(_where(line, "channel"), f"expected one of {', '.join(CHANNELS)}")
    received = _instant(data.get("received"), "received", line)
    raw_events = data.get("events", [])
    if not isinstance(raw_events, list):
        raise Invalid(_where(line, "events"), "expected a list")
    events: list[HistoryEvent] = []
    previous = received
    for i, raw in enumerate(raw_events):
        where = f"events[{i}]"
        if not isinstance(raw, dict):
            raise Invalid(_where(line, where), "expected an object")
        kind = _text(raw, "type", line)
        if kind not in EVENT_TYPES:
            raise Invalid(
                _where(line, f"{where}.type"), f"expected one of {', '.join(EVENT_TYPES)}"
            )
        at = _instant(raw.get("at"), f"{where}.at", line)
        if at < previous:
            raise Invalid(_where(line, f"{where}.at"), "earlier than the event before it")
        previous = at
        to = _text(raw, "to", line, required=kind in ("status", "level")) or None
        if kind == "status" and to not in STATUSES:
            raise Invalid(_where(line, f"{where}.to"), f"expected one of {', '.join(STATUSES)}")
        body = _text(raw, "body", line, required=False)
        events.append(HistoryEvent(at, kind, to, body, _text(raw, "author", line, required=False)))
    return HistoryRecord(
        id=_text(data, "id", line),
        organization=_text(data, "organization", line),
        contact_email=email,
        contact_name=_text(contact, "name", line, required=False) or email.split("@")[0],
        channel=channel,
        level=_text(data, "level", line),
        received=received,
        subject=_text(data, "subject", line)[:200],
        description=_text(data, "description", line, required=False),
        events=tuple(events),
        line=line,
    )


def read_jsonl(stream: IO[str]) -> Iterator[HistoryRecord]:
    """Records of a JSONL file, one per non-blank line, streamed."""
    for number, text in enumerate(stream, start=1):
        if not text.strip():
            continue
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise Invalid(_where(number, "(record)"), f"not JSON: {exc.msg}") from None
        yield build_record(data, number)


def to_json(record: HistoryRecord) -> dict[str, Any]:
    """The JSONL object of a record (what `build_record` reads back)."""
    return {
        "id": record.id,
        "organization": record.organization,
        "contact": {"email": record.contact_email, "name": record.contact_name},
        "channel": record.channel,
        "level": record.level,
        "received": record.received.isoformat(),
        "subject": record.subject,
        "description": record.description,
        "events": [
            {
                "at": e.at.isoformat(),
                "type": e.type,
                **({"to": e.to} if e.to else {}),
                **({"body": e.body} if e.body else {}),
                **({"author": e.author} if e.author else {}),
            }
            for e in record.events
        ],
    }
