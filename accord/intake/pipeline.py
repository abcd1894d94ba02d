"""From stored raw bytes to a request: the one pipeline behind `ingest` and IMAP fetch.

`ingest(raw, origin)` stores the bytes and processes them in one transaction,
committed durably (synchronous=FULL on SQLite) before it returns: processing
runs under a savepoint, and when it fails the savepoint is rolled back and the
raw row committed as `quarantined`, so the raw bytes are kept in every
outcome. `process(raw_id)` handles a row stored earlier (a retry, the worker's
sweep of pending rows): it claims the pending row with a conditional UPDATE
(so two processes never both handle it) and processes it in one transaction.
Processing drops our own mail coming back, attaches bounces to the request
whose mail failed, routes to a support address, resolves the sender, threads
the message onto a request (or opens one) and stores its attachments.
Anything but a temporary database failure quarantines the message (raw bytes
kept, `accord mail retry ID` tries again); a temporary failure
(OperationalError, InterfaceError) is raised and leaves the row pending (if it
could be stored) for the next attempt.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime

from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from accord.accounts.actor import Actor
from accord.audit.services import record
from accord.contracts.models import Contact
from accord.errors import DeskError
from accord.intake.authenticity import Verdict, verdict
from accord.intake.files import Skipped, mail_files, store_attachments
from accord.intake.identity import mail_config, own_mail
from accord.intake.mail.loops import Automation, is_automated, is_own_message, strip_accord_headers
from accord.intake.mail.model import Address, ParsedMessage
from accord.intake.mail.parse import parse_message
from accord.intake.models import Participant, RawMessage, SupportAddress
from accord.intake.outbound import outbound
from accord.intake.route import (
    recipients,
    resolve_contact,
    sender_of,
    support_address,
    support_emails,
)
from accord.intake.store import Origin, durable_commits, insert_raw
from accord.intake.text import storable
from accord.intake.thread import Thread, find_thread
from accord.sla import load_policy
from accord.storage import StorageUnavailable
from accord.tickets import log
from accord.tickets.actions import post_message
from accord.tickets.inbound import FirstMessage, NewFile
from accord.tickets.intake import as_html, open_request_acknowledged
from accord.tickets.levels import triage_level
from accord.tickets.models import Channel, Message, Request, Status
from accord.tickets.queries import find_request

logger = logging.getLogger(__name__)

# The mail gateway acts as the system, and may record the instant a message was
# stored as its receipt even when processing happens later (a retry).
MAIL_ACTOR = Actor(can_import=True)
# Temporary failures leave the message pending for a later attempt (the MTA's retry
# after exit 75, the next IMAP poll, the worker's sweep), never quarantined.
TEMPORARY = (OperationalError, InterfaceError, StorageUnavailable)
UNKNOWN_SENDER = "Unknown sender"
# What processing decides about a raw row (its bytes are never rewritten).
UPDATED = ["state", "reason", "automated", "address", "request", "ticket_message", "processed_at"]
State = RawMessage.State


class Quarantine(Exception):
    """The message cannot be processed as it is; keep it for an administrator."""


@dataclass
class Result:
    raw: RawMessage
    first_delivery: bool


def ingest(
    raw: bytes,
    origin: Origin,
    now: datetime | None = None,
    *,
    parsed: ParsedMessage | None = None,
    raw_file: str = "",
) -> Result:
    """Store and process in one transaction. Raises only on temporary database failures.

    Must be called outside any transaction: it returns once the raw row and the
    outcome of processing it are committed. `raw_file` and `parsed`: a message too
    large to read, stored whole in the file store, `raw` its stand-in
    (accord/intake/oversize.py).
    """
    if transaction.get_connection().in_atomic_block:
        raise RuntimeError("ingest must commit on its own; call it outside a transaction")
    parsed = parsed if parsed is not None else parse_message(raw)
    durable_commits()
    temporary: Exception | None = None
    with transaction.atomic():
        row, created = insert_raw(raw, parsed, origin, now, attempts=1, raw_file=raw_file)
        if created and row.state == State.PENDING:
            # Nobody else can see the row before this transaction commits, so it
            # needs no claim; processing runs under a savepoint of its own.
            now = now or timezone.now()  # processing follows receipt, as in `process`
            try:
                row.processed_at = now
                with transaction.atomic():
                    if not _handle(row, parsed, now):
                        row.save(update_fields=UPDATED)
            except TEMPORARY as exc:
                temporary = exc  # the raw row still commits, pending, for a later attempt
                _reset(row)
            except Exception as exc:
                _reset(row)
                row.state, row.reason = State.QUARANTINED, _reason(exc, row.pk)[:2000]
                row.processed_at = now
                row.save(update_fields=UPDATED)
    if temporary is not None:
        raise temporary
    if not created and row.state == State.PENDING:
        row = process(row.pk, parsed=parsed, now=now)
    return Result(row, created)


def _reset(row: RawMessage) -> None:
    """The row's fields as stored, after processing was rolled back."""
    row.state, row.reason, row.automated, row.processed_at = State.PENDING, "", False, None
    row.address = row.request = row.ticket_message = None


def _reason(exc: Exception, raw_id: int) -> str:
    """Why processing failed, for the quarantined row."""
    if isinstance(exc, Quarantine):
        return str(exc)
    if isinstance(exc, DeskError):
        return f"{exc.field}: {exc.message}"
    # A bug must quarantine one message, not stop the others.
    logger.error("processing raw message %s failed", raw_id, exc_info=exc)
    return f"{type(exc).__name__}: {exc}"


def process(
    raw_id: int,
    *,
    parsed: ParsedMessage | None = None,
    now: datetime | None = None,
) -> RawMessage:
    """Process a pending raw message stored earlier, once; returns the row as it ends up."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            claimed = RawMessage.objects.filter(pk=raw_id, state=State.PENDING).update(
                attempts=F("attempts") + 1
            )
            row = RawMessage.objects.defer("raw").get(pk=raw_id)
            if not claimed:
                return row
            if parsed is None or parsed.sha256 != row.sha256:
                parsed = parse_message(bytes(row.raw))
                if row.raw_file:  # a stand-in: the stored original's hash and size
                    parsed = replace(parsed, sha256=row.sha256, size=row.size)
            row.processed_at = now
            if not _handle(row, parsed, now):
                row.save(update_fields=UPDATED)
            return row
    except TEMPORARY:
        raise
    except Exception as exc:
        reason = _reason(exc, raw_id)
    RawMessage.objects.filter(pk=raw_id, state=State.PENDING).update(
        state=State.QUARANTINED, reason=reason[:2000], processed_at=now
    )
    return RawMessage.objects.defer("raw").get(pk=raw_id)


def retry(raw_id: int, now: datetime | None = None) -> RawMessage:
    """Put a quarantined message back to pending and process it again."""
    RawMessage.objects.filter(pk=raw_id, state=State.QUARANTINED).update(
        state=State.PENDING, reason=""
    )
    return process(raw_id, now=now)


def _handle(row: RawMessage, parsed: ParsedMessage, now: datetime) -> bool:
    """Decide about the row (state, request...); True if it saved the row as decided."""
    parsed = storable(strip_accord_headers(parsed))
    if parsed.quarantined:
        raise Quarantine(f"unparseable: {parsed.quarantine_reason}")
    if is_own_message(parsed, own_mail()):
        row.state, row.reason = State.IGNORED, "our own mail came back"
        return False
    automation = is_automated(parsed)
    row.automated = automation.automated
    if parsed.bounce is not None and _attach_bounce(row, parsed, now):
        row.state = State.PROCESSED
        return False
    # Mail without any sender still becomes a request (retrying could not fix it).
    who = sender_of(parsed) or Address(name=UNKNOWN_SENDER, email="")
    configured = list(SupportAddress.objects.all())  # read once per message
    ours = support_emails(configured)
    if who.email and who.email in ours:
        row.state, row.reason = State.IGNORED, f"sent from our support address {who.email}"
        return False
    address = support_address(parsed, row.mailbox, configured)
    if address is None:
        raise Quarantine("no support address is configured (add one in the admin, then retry)")
    row.address = address
    thread = find_thread(parsed, who.email) if who.email else Thread(None, "")
    forged = verdict(parsed, mail_config().trusted_authserv)
    if forged is not None and thread.request is not None:
        # Never threaded silently: a new request, linked for the agent.
        thread = Thread(None, "", (thread.request, *thread.mentioned))
    # A person writing to a closed request starts a continuation; automated mail about
    # it (an out-of-office reply) is only kept on it.
    opened = thread.request is None or (
        thread.request.status == Status.CLOSED and not automation.automated
    )
    if thread.request is not None and not opened:
        request = thread.request
        message = _append(request, row, parsed, who, automation, now)
        row.request, row.ticket_message, row.state = request, message, State.PROCESSED
        # Saved as decided now (nothing below changes the row): the outbox reads the
        # thread's mail, this message included.
        row.save(update_fields=UPDATED)
        _, skipped = store_attachments(message, parsed, mail_config(), row.raw_file)
        if skipped:
            _add_flags(Request.objects.get(pk=request.pk), [_oversize_flag(row, skipped)])
        _notice_oversize(request, row, who, automation, skipped, now)
    else:
        files, skipped = mail_files(parsed, mail_config(), row.raw_file)
        request, message, ack = _open(
            row, parsed, who, address, automation, thread, now, forged, files, skipped
        )
        row.request, row.ticket_message, row.state = request, message, State.PROCESSED
        row.save(update_fields=UPDATED)
        noticed = _notice_oversize(request, row, who, automation, skipped, now)
        # The acknowledgement's outbox row commits with the request (the on-commit
        # receiver is told so; the worker's sweep covers any other path). The
        # request is new in this transaction: its thread is this one mail, and no
        # mail was queued for it yet unless an over-size notice just was.
        ack.request = request
        outbound().queue(ack, now, raws=[row], new=not noticed)
    _participants(request, parsed, who, ours)
    return True


def _no_text(parsed: ParsedMessage) -> str:
    names = ", ".join(a.filename for a in parsed.attachments)
    return f"[a message without text{': ' + names if names else ''}]"


def _level_for(address: SupportAddress, contact: Contact) -> str:
    policy = contact.organization.policy
    if policy == address.policy:
        return address.level
    other = SupportAddress.objects.filter(policy=policy).order_by("-is_default", "id").first()
    return other.level if other is not None else load_policy(policy).level_ids[-1]


def _open(
    row: RawMessage,
    parsed: ParsedMessage,
    who: Address,
    address: SupportAddress,
    automation: Automation,
    thread: Thread,
    now: datetime,
    forged: Verdict | None,
    files: list[NewFile],
    skipped: list[Skipped],
) -> tuple[Request, Message, Message]:
    """Open a request for the mail: (request, the inbound message, the acknowledgement)."""
    sender = resolve_contact(who, address.policy, MAIL_ACTOR, now)
    description = parsed.text.strip() or _no_text(parsed)
    continues = thread.request.number if thread.request is not None else None
    flags = list(sender.flags)
    # The level stated in the mail, else the address's; provisional either way.
    level, level_flag = triage_level(
        load_policy(sender.contact.organization.policy),
        parsed.subject,
        description,
        _level_for(address, sender.contact),
        f"the support address {address.email}",
    )
    flags.append(level_flag)
    for other in () if forged is not None else thread.mentioned:
        flags.append(
            {
                "code": "mentions_request",
                "message": f"the mail refers to {other.display_number}, but {who.email} takes "
                "no part in it: a new request was opened; merge them if they belong together",
                "clause": "Accord practice",
            }
        )
    if forged is not None:
        flags.append(
            {
                "code": "authentication_failed",
                "message": forged.message
                + (
                    f"; it was not added to {', '.join(r.display_number for r in thread.mentioned)}"
                    if thread.mentioned
                    else ""
                ),
                "clause": "RFC 7489 (DMARC), RFC 7208 (SPF)",
            }
        )
    if automation.automated:
        flags.append(
            {
                "code": "automated_mail",
                "message": "opened by automated mail (" + ", ".join(automation.reasons) + "); "
                "no acknowledgement was sent",
                "clause": "RFC 3834",
            }
        )
    if skipped:
        flags.append(_oversize_flag(row, skipped))
    request, ack = open_request_acknowledged(
        MAIL_ACTOR,
        contact=sender.contact,
        channel=Channel.EMAIL,
        level=level,
        subject=(parsed.subject.strip() or "(no subject)")[:200],
        description=description,
        received=row.received_at,
        continues=str(continues) if continues is not None else None,
        now=now,
        acknowledgement_queued=True,  # by `_handle`, in this transaction
        first=FirstMessage(
            description, parsed.html_sanitized or "", files, automated=automation.automated
        ),
        flags=flags,
        team_id=address.team_id,
    )
    message = request.messages.get(direction=Message.Direction.INBOUND)
    record(MAIL_ACTOR, "request.mail_intake", request, now, raw=row.pk, address=address.email)
    return request, message, ack


def _append(
    request: Request,
    row: RawMessage,
    parsed: ParsedMessage,
    who: Address,
    automation: Automation,
    now: datetime,
) -> Message:
    body = parsed.new_text.strip() or parsed.text.strip() or _no_text(parsed)
    if automation.automated:
        # Stored for the agent, never answered, and no effect on the clocks.
        locked = find_request(MAIL_ACTOR, request.number, for_update=True)
        message = Message.objects.create(
            request=locked,
            direction=Message.Direction.INBOUND,
            public=False,
            automated=True,
            channel=Channel.EMAIL,
            body_text=parsed.text.strip() or body,
            body_html=parsed.html_sanitized or as_html(parsed.text.strip() or body),
            at=now,
        )
        log.append(
            locked,
            "automated_mail",
            at=now,
            actor=MAIL_ACTOR,
            now=now,
            message=message,
            reasons=list(automation.reasons),
        )
        return message
    author = (
        Contact.objects.filter(organization_id=request.organization_id, email__iexact=who.email)
        .order_by("id")
        .first()
        or request.contact
    )
    post_message(Actor(contact=author), request.number, body=body, channel=Channel.EMAIL, now=now)
    message = Message.objects.filter(request=request, direction=Message.Direction.INBOUND).latest(
        "id"
    )
    if parsed.html_sanitized:
        message.body_html = parsed.html_sanitized
        message.save(update_fields=["body_html"])
    return message


def _oversize_flag(row: RawMessage, skipped: list[Skipped]) -> dict[str, str]:
    listing = ", ".join(f"{s.filename} ({s.size} bytes)" for s in skipped)
    return {
        "code": "oversize_attachment",
        "message": f"not extracted (over the size limit), kept in raw message {row.pk}: {listing}",
        "clause": "Accord practice",
    }


def _notice_oversize(
    request: Request,
    row: RawMessage,
    who: Address,
    automation: Automation,
    skipped: list[Skipped],
    now: datetime,
) -> bool:
    """Tell the sender what was not extracted; True if a notice was queued."""
    if not skipped or not who.email or automation.automated:
        return False
    cfg = mail_config()
    outbound().queue_notice(
        request,
        key=f"oversize:{row.pk}",
        to=who.email,
        template="oversize",
        context={
            "skipped": skipped,
            "limit": cfg.attachment_max_bytes,
            "message_limit": cfg.message_max_bytes,
        },
        now=now,
    )
    return True


def _add_flags(request: Request, flags: list[dict[str, str]]) -> None:
    if not flags:
        return
    current = list(Request.objects.values_list("flags", flat=True).get(pk=request.pk) or [])
    Request.objects.filter(pk=request.pk).update(flags=current + flags)
    request.flags = current + flags


def _participants(request: Request, parsed: ParsedMessage, who: Address, ours: set[str]) -> None:
    emails = [who.email] + [a.email for a in parsed.cc] + [a.email for a in parsed.to]
    wanted = [e for e in dict.fromkeys(emails) if e and e not in ours]
    Participant.objects.bulk_create(
        [Participant(request=request, email=e[:254]) for e in wanted], ignore_conflicts=True
    )


def _attach_bounce(row: RawMessage, parsed: ParsedMessage, now: datetime) -> bool:
    """A delivery report about our mail: mark the outbox row, tell the agent. False: not ours."""
    bounce = parsed.bounce
    assert bounce is not None
    sent = outbound()
    original = bounce.original_message_id
    failed = sent.find_sent(original) if original else None
    if failed is None or original is None:
        return False
    who = ", ".join(bounce.recipients) or failed.to_email
    summary = " ".join(
        x for x in (bounce.action or "failed", bounce.status or "", bounce.diagnostic or "") if x
    )
    if bounce.action in (None, "failed"):
        sent.mark_bounced(original, f"{who}: {summary}")
    if failed.request is None:  # a notice about no request (an update reminder): marked only
        return True
    request = find_request(MAIL_ACTOR, failed.request.number, for_update=True)
    text = f"Our mail to {who} ({failed.kind}) bounced: {summary}"
    message = Message.objects.create(
        request=request,
        direction=Message.Direction.INBOUND,
        public=False,
        automated=True,
        channel=Channel.EMAIL,
        body_text=f"{text}\n\n{parsed.text.strip()}",
        body_html=as_html(f"{text}\n\n{parsed.text.strip()}"),
        at=now,
    )
    log.append(request, "bounce", at=now, actor=MAIL_ACTOR, now=now, message=message, to=who[:50])
    store_attachments(message, parsed, mail_config())
    _add_flags(request, [{"code": "bounce", "message": text, "clause": "RFC 3464"}])
    row.request, row.ticket_message = request, message
    return True


def store_callback(raw: bytes, mailbox: str, folder: str, uidvalidity: int, uid: int) -> None:
    """The IMAP fetcher's `store`: returns once the message is committed (and processed)."""
    ingest(raw, Origin("imap", mailbox, folder, uidvalidity, uid))


__all__ = ["MAIL_ACTOR", "Result", "ingest", "process", "recipients", "retry", "store_callback"]
