"""What an outbound mail says: subject, threading headers, text and HTML from templates.

`compose(kind, request, message, now)` renders `notify/<kind>.txt` and
`notify/<kind>.html`. Acknowledgements reuse the desk's acknowledgement text
(accord.tickets.acknowledgement) and add what a mail reader needs: the due
instants also in the sender's own UTC offset (from the Date header of their
mail), the support hours, the out-of-hours advice when the mail arrived
outside hours, and, for an unknown sender, what happens next.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from accord.intake.identity import mail_config, own_mail
from accord.intake.models import RawMessage, SupportAddress
from accord.sla import Policy, load_policy
from accord.tickets.models import Message, Request, SlaTarget
from accord.tickets.targets import targets_apply

MAX_REFERENCES = 20
_DAYS = {
    "mon": "Mon",
    "tue": "Tue",
    "wed": "Wed",
    "thu": "Thu",
    "fri": "Fri",
    "sat": "Sat",
    "sun": "Sun",
}


@dataclass(frozen=True)
class Composed:
    from_email: str
    from_name: str
    subject: str
    message_id: str
    in_reply_to: str
    references: str
    body_text: str
    body_html: str


def thread_raws(request: Request) -> list[RawMessage]:
    """The request's inbound mail, oldest first, without the raw bytes."""
    return list(
        RawMessage.objects.filter(request=request)
        .exclude(state=RawMessage.State.DUPLICATE)
        .select_related("address")
        .only(
            "id",
            "message_id",
            "received_at",
            "date_offset_minutes",
            "automated",
            "address",
            "request",
        )
        .order_by("id")
    )


def sender_address(request: Request, raws: list[RawMessage] | None = None) -> tuple[str, str]:
    """(email, display name) to send from: the address the request came in on."""
    raws = thread_raws(request) if raws is None else raws
    address = raws[0].address if raws else None
    if address is None:
        address = (
            SupportAddress.objects.filter(policy=request.policy)
            .order_by("-is_default", "id")
            .first()
            or SupportAddress.objects.filter(is_default=True).first()
        )
    if address is not None:
        return address.email, address.name
    return mail_config().default_from, "Support"


def thread_ids(
    request: Request, raws: list[RawMessage] | None = None, *, new: bool = False
) -> tuple[str, list[str]]:
    """(In-Reply-To, References): the latest inbound id, and the thread's ids in order.

    `new`: the request was opened in this transaction, so nothing was sent on it yet.
    """
    from accord.notify.models import Outbox

    raws = thread_raws(request) if raws is None else raws
    inbound = [r.message_id for r in raws if r.message_id]
    ids: list[tuple[datetime, str]] = [(r.received_at, r.message_id) for r in raws if r.message_id]
    if not new:
        ids += list(Outbox.objects.filter(request=request).values_list("created", "message_id"))
    ids.sort()
    ordered = list(dict.fromkeys(i for _, i in ids))[-MAX_REFERENCES:]
    reply_to = inbound[-1] if inbound else (ordered[-1] if ordered else "")
    return reply_to, ordered


def support_hours(policy: Policy) -> str:
    spans = []
    for w in policy.spec.calendar.windows:
        days = [_DAYS[d] for d in w.days]
        label = f"{days[0]}-{days[-1]}" if len(days) > 2 else ", ".join(days)
        spans.append(f"{label} {w.open}-{w.close}")
    return f"{'; '.join(spans)} ({policy.spec.calendar.zone} time), excluding public holidays"


def _offset_label(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _local_dues(request: Request, policy: Policy, offset: int | None) -> list[str]:
    """The stored due instants (kept current by every change) in the sender's offset."""
    if offset is None or not targets_apply(request):
        return []
    dues = dict(
        SlaTarget.objects.filter(request=request, due__isnull=False).values_list("kind", "due")
    )
    zone = timezone(timedelta(minutes=offset))
    lines = []
    for name, kind in (("first response", "first_response"), ("resolution", "resolution")):
        due = dues.get(kind)
        if due is None:
            continue
        if due.astimezone(policy.zone).utcoffset() == timedelta(minutes=offset):
            return []  # the sender's clock is on the policy's time: nothing to add
        local = due.astimezone(zone).strftime("%a %d %b %Y %H:%M")
        lines.append(f"Target for {name}: by {local} ({_offset_label(offset)}, your time)")
    return lines


def _context(
    kind: str, request: Request, message: Message | None, now: datetime, raws: list[RawMessage]
) -> dict[str, Any]:
    policy = load_policy(request.policy)
    first = raws[0] if raws else None
    received = first.received_at if first is not None else request.received
    context: dict[str, Any] = {
        "request": request,
        "number": request.display_number,
        "subject": request.subject,
        "body": message.body_text if message is not None else "",
        "support_hours": support_hours(policy),
        "policy": policy,
        "portal_url": portal_url(request),
    }
    if kind == "ack":
        guidance = policy.spec.guidance.out_of_hours
        body = context["body"]
        context["local_dues"] = _local_dues(
            request, policy, first.date_offset_minutes if first else None
        )
        context["out_of_hours"] = (
            guidance if not policy.in_hours(received) and guidance not in body else ""
        )
        contact = request.contact
        context["unverified"] = hasattr(contact, "unverified")
        context["sender"] = contact.email
    return context


def portal_url(request: Request) -> str:
    """The request's page in the customer portal, when its contact has a portal login.

    (`portal_account` is the portal's one-to-one link to the contact; reading it
    by name keeps this layer free of an import of the portal, which sits above.)
    """
    if not hasattr(request.contact, "portal_account"):
        return ""
    return f"{settings.ACCORD_PUBLIC_URL}/portal/requests/{request.display_number}/"


def _one_line(text: str) -> str:
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def subject_for(kind: str, request: Request, title: str = "") -> str:
    """The subject with the number; never more than one line."""
    number = request.display_number
    subject, title = _one_line(request.subject), _one_line(title)
    if kind == "ack":
        return f"[{number}] Received: {subject}"[:300]
    if kind == "reply":
        return f"Re: [{number}] {subject}"[:300]
    return f"[{number}] {title or subject}"[:300]


def compose(
    kind: str,
    request: Request,
    message: Message | None,
    now: datetime,
    *,
    template: str | None = None,
    extra: dict[str, Any] | None = None,
    raws: list[RawMessage] | None = None,
    new: bool = False,
) -> Composed:
    """Render one outbound mail; `template` defaults to the kind.

    `new`: the request was opened in this transaction and has no outbox row yet.
    """
    name = template or kind
    raws = thread_raws(request) if raws is None else raws
    context = _context(kind, request, message, now, raws)
    context.update(extra or {})
    text = render_to_string(f"notify/{name}.txt", context).strip() + "\n"
    html = render_to_string(f"notify/{name}.html", context)
    from_email, from_name = sender_address(request, raws)
    in_reply_to, references = thread_ids(request, raws, new=new)
    return Composed(
        from_email=from_email,
        from_name=from_name,
        subject=subject_for(kind, request, str(context.get("title", ""))),
        message_id=own_mail().make_message_id(),
        in_reply_to=in_reply_to,
        references=" ".join(f"<{i}>" for i in references),
        body_text=text,
        body_html=html,
    )
