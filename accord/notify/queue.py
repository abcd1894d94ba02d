"""Creating outbox rows: once per message, with loop protection and caps.

`enqueue_message` is called by the on-commit receivers and by the worker's
sweep; the UNIQUE `Outbox.ticket_message` makes the second caller a no-op. Only
public outbound email messages of a request whose contact has an address
are mailed, and only while fresh (`FRESH`): history imported with past
instants is never mailed. An automated mail (acknowledgement, notice) is
created `suppressed` instead of `queued` when the mail that opened the
request was itself automated (RFC 3834), when that mail failed sender
authentication at our MTA (DMARC/SPF, the request's `authentication_failed`
flag), or when the caps on automated mail per address (per day) and per
request are reached.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accord.intake.identity import mail_config
from accord.intake.models import Participant, RawMessage
from accord.notify.compose import compose, thread_raws
from accord.notify.models import Outbox
from accord.tickets.models import Channel, Message, Request

FRESH = timedelta(days=1)
CAP_WINDOW = timedelta(days=1)
COUNTED = (Outbox.State.QUEUED, Outbox.State.SENDING, Outbox.State.SENT, Outbox.State.BOUNCED)


def mailable(message: Message, now: datetime) -> bool:
    return (
        message.direction == Message.Direction.OUTBOUND
        and message.public
        and message.channel == Channel.EMAIL
        and now - message.at <= FRESH
    )


def gate(
    request: Request,
    to: str,
    automated: bool,
    now: datetime,
    raws: list[RawMessage],
    *,
    new: bool = False,
) -> str:
    """Why an automated mail must not go out ("" when it may); `raws`: the thread's mail.

    `new`: the request was opened in this transaction and has no outbox row yet.
    """
    if not automated:
        return ""
    if raws and raws[0].automated:
        return "the mail that opened the request was automated (RFC 3834): no automated reply"
    if any(f.get("code") == "authentication_failed" for f in request.flags):
        # A sender that failed DMARC/SPF at our own MTA may be forged: an automated
        # reply would go to someone who never wrote (backscatter), and could confirm
        # to a forger that the request exists. An agent's reply still goes out.
        return "the mail that opened the request failed sender authentication (DMARC/SPF)"
    cfg = mail_config()
    sent = Outbox.objects.filter(automated=True, state__in=COUNTED)
    if cfg.cap_per_address and (
        sent.filter(to_email=to, created__gte=now - CAP_WINDOW).count() >= cfg.cap_per_address
    ):
        return f"cap reached: {cfg.cap_per_address} automated mails to {to} per day"
    if (
        cfg.cap_per_request
        and not new
        and sent.filter(request=request).count() >= cfg.cap_per_request
    ):
        return f"cap reached: {cfg.cap_per_request} automated mails per request"
    return ""


def _create(fields: dict[str, Any], lookup: dict[str, Any], *, new: bool = False) -> Outbox:
    """Insert the row, or return the one another caller created first.

    `new`: the message was created in this transaction, so no other transaction
    can have queued it (it cannot see it) and the insert needs no savepoint.
    """
    if new:
        return Outbox.objects.create(**fields)
    try:
        with transaction.atomic():
            return Outbox.objects.create(**fields)
    except IntegrityError:
        return Outbox.objects.get(**lookup)


def _fields(
    kind: str,
    request: Request,
    to: str,
    automated: bool,
    composed: Any,
    now: datetime,
    raws: list[RawMessage],
    new: bool = False,
) -> dict[str, Any]:
    reason = gate(request, to, automated, now, raws, new=new)
    return {
        "request": request,
        "kind": kind,
        "automated": automated,
        "from_email": composed.from_email
        if not composed.from_name
        else f"{composed.from_name} <{composed.from_email}>",
        "to_email": to,
        "subject": composed.subject,
        "message_id": composed.message_id,
        "in_reply_to": composed.in_reply_to,
        "references": composed.references,
        "body_text": composed.body_text,
        "body_html": composed.body_html,
        "state": Outbox.State.SUPPRESSED if reason else Outbox.State.QUEUED,
        "reason": reason,
        "next_attempt_at": None if reason else now,
        "created": now,
    }


MAX_CC = 20


def copied(request: Request, to: str) -> list[str]:
    """Who an agent's reply is copied to: the other participants of the request's mail
    thread (From, To, Cc of the inbound mail, without our own addresses), as Zendesk
    and Jira Service Management keep CCs on public replies. Automated mail is not
    copied: an acknowledgement or notice goes to the requester alone."""
    others = (
        Participant.objects.filter(request=request)
        .exclude(email__iexact=to)
        .order_by("id")
        .values_list("email", flat=True)
    )
    return list(others[:MAX_CC])


def enqueue_message(message_id: int, now: datetime | None = None) -> Outbox | None:
    """The outbox row for a desk message, created if it should be mailed; else None."""
    now = now or timezone.now()
    existing = Outbox.objects.filter(ticket_message_id=message_id).order_by().first()
    if existing is not None:
        return existing
    message = Message.objects.select_related("request__contact").filter(pk=message_id).first()
    if message is None:
        return None
    return enqueue(message, now)


def enqueue(
    message: Message,
    now: datetime,
    raws: list[RawMessage] | None = None,
    *,
    new: bool = False,
) -> Outbox | None:
    """`enqueue_message` for a message in hand (its request and contact loaded).

    `raws`: the request's inbound mail as `thread_raws` would read it, when the
    caller has it in hand. `new`: the request was opened in the caller's
    transaction, which has queued no mail for it yet (so there is no outbox row
    to thread with or to count against the per-request cap).
    """
    if not mailable(message, now):
        return None
    request = message.request
    to = request.contact.email.strip().lower()
    if not to:
        return None
    kind = Outbox.Kind.ACKNOWLEDGEMENT if message.automated else Outbox.Kind.REPLY
    raws = thread_raws(request) if raws is None else raws
    composed = compose(kind, request, message, now, raws=raws, new=new)
    fields = _fields(kind, request, to, message.automated, composed, now, raws, new)
    fields["ticket_message"] = message
    if kind == Outbox.Kind.REPLY:
        fields["cc"] = ", ".join(copied(request, to))
    return _create(fields, {"ticket_message_id": message.pk}, new=new)


def enqueue_notice(
    request: Request,
    *,
    key: str,
    to: str,
    template: str,
    context: dict[str, Any],
    now: datetime | None = None,
) -> Outbox:
    """An automated notice without a desk message (e.g. over-size attachments), once per key."""
    now = now or timezone.now()
    existing = Outbox.objects.filter(notice_key=key).first()
    if existing is not None:
        return existing
    raws = thread_raws(request)
    composed = compose(
        Outbox.Kind.NOTICE, request, None, now, template=template, extra=context, raws=raws
    )
    fields = _fields(Outbox.Kind.NOTICE, request, to.lower(), True, composed, now, raws)
    fields["notice_key"] = key
    return _create(fields, {"notice_key": key})
