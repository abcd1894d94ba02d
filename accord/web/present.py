"""The request page's read model: header, level, scope, flags, messages,
deliveries and event log.

Everything is read through the tickets app's queries and shown in the
policy's zone (and the viewer's). Message bodies are the stored sanitised HTML,
cleaned once more with nh3 on the way out (defence in depth), or the escaped
plain text when no HTML was stored. Attachments link to the permission-checked
download view (`accord.intake.views.attachment`), never to the file itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe

from accord.notify.models import Outbox
from accord.tickets.log import voided_in
from accord.tickets.models import Attachment, Event, Message, Request
from accord.tickets.targets import policy_of
from accord.web import mail_images
from accord.web.zones import Shown, show


@dataclass(frozen=True)
class LevelInfo:
    id: str
    label: str
    definition: str
    clause: str


@dataclass(frozen=True)
class AttachmentView:
    filename: str
    content_type: str
    size: int
    url: str


@dataclass(frozen=True)
class MessageView:
    message: Message
    at: Shown | None
    author: str
    body: SafeString
    attachments: list[AttachmentView]
    remote_images: int = 0  # blocked in `body`; accord/web/mail_images.py


@dataclass(frozen=True)
class FlagView:
    code: str
    label: str
    message: str
    source: str


@dataclass(frozen=True)
class DeliveryView:
    row: Outbox
    created: Shown | None
    sent_at: Shown | None
    alert: bool


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


def body_html(m: Message, *, remote: bool = False) -> mail_images.Shown:
    """Sanitised HTML of a message body, remote images blocked unless `remote`."""
    if m.body_html.strip():
        return mail_images.show(m.body_html, remote=remote)
    return mail_images.Shown(mark_safe(linebreaks(escape(m.body_text))), [])


def attachment_view(a: Attachment) -> AttachmentView:
    """An attachment as listed: its download goes through the checked view."""
    return AttachmentView(a.filename, a.content_type, a.size, reverse("attachment", args=[a.pk]))


def messages(request: Request, zone: ZoneInfo, viewer: ZoneInfo | None) -> list[MessageView]:
    qs = request.messages.select_related("author_user", "author_contact").prefetch_related(
        "attachments"
    )
    views = []
    for m in qs:
        body = body_html(m)
        views.append(
            MessageView(
                m,
                show(m.at, zone, viewer),
                _author(m),
                body.html,
                [attachment_view(a) for a in m.attachments.all()],
                len(body.remote),
            )
        )
    return views


# Flags are `{code, message, clause}` (scope decisions, mail intake). Codes not
# named here are shown as their words ("late_update" -> "Late update").
_FLAG_LABELS = {
    "bounce": "Bounced mail",
    "unverified_sender": "Unverified sender",
    "no_sender": "No sender",
    "sender_ambiguous": "Sender in several organisations",
    "oversize_attachment": "Attachment over the size limit",
    "automated_mail": "Automated mail",
    "mentions_request": "Mentions another request",
    "charge_acceptance_suggested": "Customer replied \u201cI accept\u201d: confirm the charge",
    "missing_information": "Missing information",
    "exclusion_suggested": "Suggested exclusion (an agent decides)",
    "several_issues": "Several issues in one request",
    "customer_stated_level": "Customer-stated level: confirm or change it",
    "level_not_triaged": "Level not triaged: confirm or change it",
}


def _flag_source(clause: str) -> str:
    """ "clause 2.4.1" for a policy clause; other sources ("RFC 3464") as they are."""
    clause = clause.strip()
    if clause[:1].isdigit():
        return f"clause {clause}"
    return clause


def flags(request: Request) -> list[FlagView]:
    """The request's flags for the agent, each with a readable label and its source."""
    shown = []
    for f in request.flags or []:
        if not isinstance(f, dict):
            shown.append(FlagView("", "Flag", str(f), ""))
            continue
        code = str(f.get("code") or "")
        label = _FLAG_LABELS.get(code) or code.replace("_", " ").capitalize() or "Flag"
        shown.append(
            FlagView(
                code, label, str(f.get("message") or ""), _flag_source(str(f.get("clause") or ""))
            )
        )
    return shown


# States that need an agent's attention: the customer did not get the mail.
ALERT_STATES = frozenset({Outbox.State.FAILED, Outbox.State.BOUNCED})


def deliveries(request: Request, zone: ZoneInfo, viewer: ZoneInfo | None) -> list[DeliveryView]:
    """The request's outbound mail (the outbox), oldest first."""
    return [
        DeliveryView(
            row,
            show(row.created, zone, viewer),
            show(row.sent_at, zone, viewer),
            row.state in ALERT_STATES,
        )
        for row in request.outbox.defer("body_text", "body_html", "references").order_by(
            "created", "id"
        )
    ]


_HIDDEN_DATA = frozenset({"message"})


def _details(data: dict[str, Any]) -> str:
    parts = [
        f"{k}: {v}"
        for k, v in data.items()
        if k not in _HIDDEN_DATA and v not in (None, "", False, [])
    ]
    return "; ".join(parts)


def events(request: Request, zone: ZoneInfo, viewer: ZoneInfo | None) -> list[EventView]:
    rows = list(request.events.all())
    voided = voided_in(rows)
    return [
        EventView(
            e,
            show(e.at, zone, viewer),
            ("VOIDED; " if e.seq in voided else "") + _details(e.data),
        )
        for e in rows
    ]


def header(request: Request, zone: ZoneInfo, viewer: ZoneInfo | None) -> dict[str, Any]:
    policy = policy_of(request)
    opened = request.events.filter(kind="opened").only("data", "recorded").first()
    given = opened.data.get("given_by", "") if opened is not None else ""
    return {
        "received": show(request.received, zone, viewer),
        # A receipt an agent gave ("call placed at"), not the system's clock.
        "given": {
            "by": given.removeprefix("user:"),
            "at": show(opened.recorded, zone, viewer),
        }
        if given and opened is not None
        else None,
        "notice": show(request.notice, zone, viewer),
        "in_hours": policy.in_hours(request.notice),
        "level": level_info(request),
        "policy_name": policy.spec.policy.name,
        "zone": str(zone),
        "flags": flags(request),
    }
