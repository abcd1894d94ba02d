"""The loopback SMTP server fixture receives mail whose threading headers parse back."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from accord.intake.mail.loops import OwnMail, is_automated, is_own_message
from accord.intake.mail.parse import parse_message

from .conftest import SmtpServer


def test_it_receives_a_reply_with_threading_headers_intact(smtp_server: SmtpServer) -> None:
    own = OwnMail(domains=("desk.example",), secret=b"k")
    reply_id, ack_id = own.make_message_id(), own.make_message_id()
    msg = EmailMessage()
    msg["From"] = "Accord Support <support@desk.example>"
    msg["To"] = "Anna Müller <anna@customer.example>"
    msg["Subject"] = "Re: [SR-000042] Printer on fire"
    msg["Message-ID"] = f"<{reply_id}>"
    msg["In-Reply-To"] = "<question@customer.example>"
    msg["References"] = f"<{ack_id}> <question@customer.example>"
    msg["Auto-Submitted"] = "auto-replied"
    msg.set_content("We are on it.\n")

    with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=10) as client:
        client.send_message(msg)

    ((mail_from, rcpt_tos, raw),) = smtp_server.messages
    assert (mail_from, rcpt_tos) == ("support@desk.example", ["anna@customer.example"])
    parsed = parse_message(raw)
    assert parsed.message_id == reply_id and is_own_message(parsed, own)
    assert parsed.in_reply_to == ("question@customer.example",)
    assert parsed.references == (ack_id, "question@customer.example")
    assert parsed.subject == "Re: [SR-000042] Printer on fire"
    assert parsed.to[0].name == "Anna Müller"
    assert is_automated(parsed).reasons == ("Auto-Submitted: auto-replied",)
