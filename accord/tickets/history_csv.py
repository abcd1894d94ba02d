"""Reading other desks' CSV exports as history records (docs/import.md has the columns).

Each desk exports three tables: its tickets, their messages (followups,
articles, thread entries) and their change history (status and priority). The
tickets file is streamed; the messages and history files are read once and
grouped by ticket id, so their size bounds the memory used. Each ticket becomes
a `HistoryRecord` whose events are its messages and changes in time order,
validated by `history_format.build_record` like a JSONL line.

Instants without an offset are taken as UTC. Priorities become levels through
`--level-map` (a desk's priorities are not our policies' levels); statuses map
as each `Dialect` says. An event dated before its ticket was created is taken
at the creation instant (exports round differently).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from accord.errors import Invalid
from accord.tickets.history_format import HistoryRecord, build_record

Row = dict[str, str]


@dataclass(frozen=True)
class Dialect:
    """Column names and value maps of one desk's export."""

    name: str
    # tickets file
    id: str
    created: str
    subject: str
    email: str
    priority: str
    status: str
    description: str = ""
    contact_name: str = ""
    organization: str = ""
    channel: str = ""
    closed: str = ""  # when it was last closed/resolved, if the export says
    # messages file
    msg_ticket: str = "ticket_id"
    msg_at: str = "created"
    msg_body: str = "body"
    msg_author: str = ""
    msg_kind: Callable[[Row], str] = lambda row: "agent_reply"
    # history file: (ticket, at, what changed, new value)
    hist_ticket: str = "ticket_id"
    hist_at: str = "created_at"
    hist_field: str = ""
    hist_value: str = ""
    hist_status_field: str = "status"
    hist_priority_field: str = "priority"
    statuses: tuple[tuple[str, str], ...] = ()
    channels: tuple[tuple[str, str], ...] = ()


def _truthy(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "t", "yes", "y")


def _dh_kind(row: Row) -> str:
    if not _truthy(row.get("public", "")):
        return "internal_note"
    return "agent_reply" if row.get("user", "").strip() else "customer_reply"


def _zammad_kind(row: Row) -> str:
    sender = row.get("sender", "").strip().lower()
    if _truthy(row.get("internal", "")):
        return "internal_note"
    return {"customer": "customer_reply", "system": "auto_reply"}.get(sender, "agent_reply")


def _osticket_kind(row: Row) -> str:
    return {"M": "customer_reply", "N": "internal_note"}.get(
        row.get("type", "").strip().upper(), "agent_reply"
    )


DIALECTS: dict[str, Dialect] = {
    # django-helpdesk: helpdesk_ticket, helpdesk_followup, helpdesk_ticketchange
    "django-helpdesk": Dialect(
        name="django-helpdesk",
        id="id",
        created="created",
        subject="title",
        email="submitter_email",
        priority="priority",
        status="status",
        description="description",
        organization="queue",
        closed="modified",
        msg_ticket="ticket_id",
        msg_at="date",
        msg_body="comment",
        msg_author="user",
        msg_kind=_dh_kind,
        hist_ticket="ticket_id",
        hist_at="date",
        hist_field="field",
        hist_value="new_value",
        hist_status_field="status",
        hist_priority_field="priority",
        statuses=(
            ("1", "open"),
            ("2", "open"),
            ("3", "resolved"),
            ("4", "closed"),
            ("5", "closed"),
            ("open", "open"),
            ("reopened", "open"),
            ("resolved", "resolved"),
            ("closed", "closed"),
            ("duplicate", "closed"),
        ),
    ),
    # Zammad: tickets, ticket_articles, history (attribute state/priority)
    "zammad": Dialect(
        name="zammad",
        id="id",
        created="created_at",
        subject="title",
        email="customer",
        priority="priority",
        status="state",
        contact_name="customer_name",
        organization="organization",
        closed="close_at",
        msg_ticket="ticket_id",
        msg_at="created_at",
        msg_body="body",
        msg_author="from",
        msg_kind=_zammad_kind,
        hist_ticket="ticket_id",
        hist_at="created_at",
        hist_field="attribute",
        hist_value="value_to",
        hist_status_field="state",
        hist_priority_field="priority",
        statuses=(
            ("new", "open"),
            ("open", "open"),
            ("pending reminder", "waiting_on_customer"),
            ("pending close", "waiting_on_customer"),
            ("closed", "closed"),
            ("merged", "closed"),
        ),
    ),
    # osTicket: ost_ticket (with its cdata subject), thread entries, thread events
    "osticket": Dialect(
        name="osticket",
        id="ticket_id",
        created="created",
        subject="subject",
        email="email",
        priority="priority",
        status="status",
        contact_name="name",
        organization="organization",
        channel="source",
        closed="closed",
        msg_ticket="ticket_id",
        msg_at="created",
        msg_body="body",
        msg_author="poster",
        msg_kind=_osticket_kind,
        hist_ticket="ticket_id",
        hist_at="timestamp",
        hist_field="state",
        hist_value="state",
        hist_status_field="",  # its events are the state itself: closed, reopened
        hist_priority_field="",
        statuses=(
            ("open", "open"),
            ("reopened", "open"),
            ("resolved", "resolved"),
            ("closed", "closed"),
            ("archived", "closed"),
        ),
        channels=(
            ("email", "email"),
            ("phone", "phone"),
            ("web", "portal"),
            ("api", "api"),
            ("other", "email"),
        ),
    ),
}


def parse_level_map(text: str) -> dict[str, str]:
    """ "High=high,1=urgent" -> {"high": "high", "1": "urgent"} (keys compared lower-case)."""
    out: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, value = part.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise Invalid("level-map", f"expected PRIORITY=LEVEL, got {part!r}")
        out[key.strip().lower()] = value.strip()
    return out


def _instant(text: str, where: str) -> datetime:
    """An export's timestamp as an aware UTC instant (naive ones are UTC)."""
    value = text.strip().replace(" UTC", "").replace("Z", "+00:00")
    try:
        t = datetime.fromisoformat(value)
    except ValueError:
        raise Invalid(where, f"not a date and time: {text!r}") from None
    return (t if t.tzinfo else t.replace(tzinfo=UTC)).astimezone(UTC)


def _grouped(path: Path | None, column: str) -> dict[str, list[tuple[int, Row]]]:
    groups: dict[str, list[tuple[int, Row]]] = defaultdict(list)
    if path is None:
        return groups
    with path.open(encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream)
        if reader.fieldnames is None or column not in reader.fieldnames:
            raise Invalid(f"{path.name}: {column}", "missing column")
        for row in reader:
            groups[row[column].strip()].append((reader.line_num, row))
    return groups


class Reader:
    def __init__(self, dialect: Dialect, organization: str, level_map: dict[str, str]) -> None:
        self.d = dialect
        self.organization = organization
        self.level_map = level_map
        self.statuses = dict(dialect.statuses)
        self.channels = dict(dialect.channels)

    def level(self, raw: str, where: str) -> str:
        key = raw.strip().lower()
        if key in self.level_map:
            return self.level_map[key]
        raise Invalid(where, f"no level for priority {raw!r} (give --level-map {raw}=LEVEL)")

    def status(self, raw: str, where: str) -> str:
        key = raw.strip().lower()
        if key not in self.statuses:
            raise Invalid(where, f"unknown status {raw!r} (one of {', '.join(self.statuses)})")
        return self.statuses[key]

    def read(
        self, tickets: Path, messages: Path | None, history: Path | None
    ) -> Iterator[HistoryRecord]:
        d = self.d
        by_ticket = _grouped(messages, d.msg_ticket)
        changes = _grouped(history, d.hist_ticket)
        with tickets.open(encoding="utf-8", newline="") as stream:
            reader = csv.DictReader(stream)
            needed = [d.id, d.created, d.subject, d.email, d.priority, d.status]
            missing = [c for c in needed if c not in (reader.fieldnames or [])]
            if missing:
                raise Invalid(f"{tickets.name}: {missing[0]}", "missing column")
            for row in reader:
                line = reader.line_num
                ticket = row[d.id].strip()
                yield build_record(
                    self._record(row, line, by_ticket.get(ticket, []), changes.get(ticket, [])),
                    line,
                )

    def _record(
        self, row: Row, line: int, messages: list[tuple[int, Row]], changes: list[tuple[int, Row]]
    ) -> dict[str, Any]:
        d = self.d
        where = f"line {line}"
        received = _instant(row[d.created], f"{where}: {d.created}")
        events: list[tuple[datetime, int, dict[str, Any]]] = []
        for n, m in messages:
            at = max(_instant(m[d.msg_at], f"messages line {n}: {d.msg_at}"), received)
            events.append(
                (
                    at,
                    0,
                    {
                        "type": d.msg_kind(m),
                        "body": m.get(d.msg_body, ""),
                        "author": m.get(d.msg_author, "") if d.msg_author else "",
                    },
                )
            )
            if d.name == "django-helpdesk" and m.get("new_status", "").strip():
                to = self.status(m["new_status"], f"messages line {n}: new_status")
                events.append((at, 1, {"type": "status", "to": to}))
        for n, c in changes:
            at = max(_instant(c[d.hist_at], f"history line {n}: {d.hist_at}"), received)
            what = c.get(d.hist_field, "").strip().lower()
            value = c.get(d.hist_value, "")
            if not d.hist_status_field or what == d.hist_status_field:
                if not d.hist_status_field and what not in self.statuses:
                    continue  # osTicket: assigned, transferred, edited... not the SLA's business
                to = self.status(value, f"history line {n}: {d.hist_value}")
                events.append((at, 1, {"type": "status", "to": to}))
            elif what == d.hist_priority_field:
                to = self.level(value, f"history line {n}: {d.hist_value}")
                events.append((at, 1, {"type": "level", "to": to}))
        events.sort(key=lambda e: (e[0], e[1]))
        final = self.status(row[d.status], f"{where}: {d.status}")
        statuses = [e[2]["to"] for e in events if e[2]["type"] == "status"]
        if final != (statuses[-1] if statuses else "open"):
            # The history does not end where the ticket is: it got there when last
            # closed (or at its last event when the export has no such column).
            closed = row.get(d.closed, "").strip() if d.closed else ""
            last = max([received] + [e[0] for e in events])
            at = max(_instant(closed, f"{where}: {d.closed}"), last) if closed else last
            events.append((at, 2, {"type": "status", "to": final}))
        channel = row.get(d.channel, "").strip().lower() if d.channel else ""
        return {
            "id": row[d.id].strip(),
            "organization": self.organization
            or (row.get(d.organization, "") if d.organization else "").strip(),
            "contact": {
                "email": row[d.email].strip(),
                "name": row.get(d.contact_name, "").strip() if d.contact_name else "",
            },
            "channel": self.channels.get(channel, "email"),
            "level": self.level(row[d.priority], f"{where}: {d.priority}"),
            "received": received.isoformat(),
            "subject": row[d.subject],
            "description": row.get(d.description, "") if d.description else "",
            "events": [{"at": at.isoformat(), **e} for at, _, e in events],
        }


def reader(fmt: str, *, organization: str, level_map: dict[str, str]) -> Reader:
    return Reader(DIALECTS[fmt], organization, level_map)
