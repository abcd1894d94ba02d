"""A bounce of our mail is attached to the request, flagged, and the outbox row marked."""

from __future__ import annotations

from typing import Any

from accord.notify.models import Outbox
from accord.tickets.models import Message, Request
from intake.support import deliver, message


def bounce_for(message_id: str, recipient: str) -> bytes:
    return (
        b"From: MAILER-DAEMON@mx.kiwi.example\nTo: support@capella.example\n"
        b"Subject: Undelivered Mail Returned to Sender\nMessage-ID: <bounce1@mx.kiwi.example>\n"
        b"Return-Path: <>\nAuto-Submitted: auto-replied\nMIME-Version: 1.0\n"
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=r\n\n"
        b"--r\nContent-Type: text/plain\n\nYour message could not be delivered.\n"
        b"--r\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.kiwi.example\n\n"
        b"Final-Recipient: rfc822; " + recipient.encode() + b"\nAction: failed\n"
        b"Status: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\n"
        b"--r\nContent-Type: text/rfc822-headers\n\nFrom: support@capella.example\n"
        b"Message-ID: <" + message_id.encode() + b">\nSubject: [SR-1001] Received\n--r--\n"
    )


def test_it_attaches_a_bounce_to_the_request_whose_mail_failed(mail_desk: Any) -> None:
    request = deliver(message("Printing fails")).raw.request
    ack = Outbox.objects.get(request=request)
    Outbox.objects.filter(pk=ack.pk).update(state="sent")
    result = deliver(bounce_for(ack.message_id, "mere@kiwi.example"))
    assert result.raw.state == "processed"
    assert result.raw.request == request
    ack.refresh_from_db()
    assert ack.state == "bounced" and "5.1.1" in ack.reason
    note = Message.objects.get(pk=result.raw.ticket_message_id)
    assert note.automated and not note.public and "bounced" in note.body_text
    request.refresh_from_db()
    assert any(f["code"] == "bounce" for f in request.flags)
    assert Request.objects.count() == 1
    assert Outbox.objects.count() == 1  # no answer to the bounce


def test_it_keeps_a_bounce_about_someone_elses_mail_as_automated_mail(mail_desk: Any) -> None:
    result = deliver(bounce_for("not-ours@example.org", "x@kiwi.example"))
    assert result.raw.state == "processed" and result.raw.automated
    assert Outbox.objects.get(request=result.raw.request).state == "suppressed"
