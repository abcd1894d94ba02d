"""The request page's read model: header, level, scope, messages and event log.

Everything is read through the tickets app's queries and shown in the
policy's zone (and the viewer's). Message bodies are the stored sanitised HTML,
cleaned once more with nh3 on the way out (defence in depth), or the escaped
plain text when no HTML was stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import nh3
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe

from accord.tickets.models import Event, Message, Request
from accord.tickets.targets import policy_of
from accord.web.zones import Shown, show


@dataclass(frozen=True)
class LevelInfo:
    id: str
    label: str
    definition: str
    clause: str


@dataclass(frozen=True)
class MessageView:
    message: Message
    at: Shown | None
    author: str
    body: SafeString


@dataclass(frozen=True)
class EventView:
    event: Event
    at: Shown | None
    details: str


def level_info(request: Request) -> LevelInfo:
    policy = policy_of(request)
    spec = policy.level(request.level)
    return LevelInfo(request.level, spec.label, spec.definition, spec.clause)


def _author(m: Message) -> str:
    if m.automated:
        return "Accord (automated)"
    if m.author_user is not None:
        return m.author_user.get_username()
    if m.author_contact is not None:
        return m.author_contact.name
    return "unknown"


def body_html(m: Message) -> SafeString:
    """Sanitised HTML of a message body; nh3 output is safe to mark as such."""
    if m.body_html.strip():
        return mark_safe(nh3.clean(m.body_html, link_rel="noopener noreferrer nofollow"))
    return mark_safe(linebreaks(escape(m.body_text)))


def messages(request: Request, zone: ZoneInfo, viewer: ZoneInfo | None) -> list[MessageView]:
    qs = request.messages.select_related("author_user", "author_contact").prefetch_related(
        "attachments"
    )
    return [MessageView(m, show(m.at, zone, viewer), _author(m), body_html(m)) for m in qs]


_HIDDEN_DATA = frozenset({"message"})


def _details(data: dict[str, Any]) -> str:
    parts = [
        f"{k}: {v}"
        for k, v in data.items()
        if k not in _HIDDEN_DATA and v not in (None, "", False, [])
    ]
    return "; ".join(parts)


def events(request: Request, zone: ZoneInfo, viewer: ZoneInfo | None) -> list[EventView]:
    return [EventView(e, show(e.at, zone, viewer), _details(e.data)) for e in request.events.all()]


def header(request: Request, zone: ZoneInfo, viewer: ZoneInfo | None) -> dict[str, Any]:
    policy = policy_of(request)
    return {
        "received": show(request.received, zone, viewer),
        "notice": show(request.notice, zone, viewer),
        "in_hours": policy.in_hours(request.notice),
        "level": level_info(request),
        "policy_name": policy.spec.policy.name,
        "zone": str(zone),
    }
