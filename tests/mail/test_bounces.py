"""Delivery status reports are recognised with the Message-ID they report on."""

from __future__ import annotations

from accord.intake.mail.parse import parse_message

from .conftest import CORPUS


def test_it_recognises_the_corpus_bounce_and_its_original_message() -> None:
    parsed = parse_message((CORPUS / "rt/multipart-report").read_bytes())
    assert parsed.bounce is not None
    assert parsed.bounce.original_message_id == "200308221615.h7MGFGac020135@mx12.other.example.com"
    assert parsed.bounce.recipients == ("jesmund@mailbox.other.example.com",)
    assert (parsed.bounce.action, parsed.bounce.status) == ("failed", "5.1.1")
    assert "User unknown" in (parsed.bounce.diagnostic or "")


def test_it_reads_the_original_id_from_text_rfc822_headers() -> None:
    raw = (
        b"From: MAILER-DAEMON@mx.example\nSubject: Undelivered\nMIME-Version: 1.0\n"
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=r\n\n"
        b"--r\nContent-Type: text/plain\n\nCould not deliver.\n"
        b"--r\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example\n\n"
        b"Final-Recipient: rfc822; Gone@Customer.example\nAction: failed\nStatus: 5.1.1\n"
        b"--r\nContent-Type: text/rfc822-headers\n\nFrom: support@desk.example\n"
        b"Message-ID: <accord.abc.def@desk.example>\nSubject: Your request 42\n--r--\n"
    )
    parsed = parse_message(raw)
    assert parsed.bounce is not None
    assert parsed.bounce.original_message_id == "accord.abc.def@desk.example"
    assert parsed.bounce.recipients == ("gone@customer.example",)
    assert parsed.text == "Could not deliver."


def test_it_does_not_call_ordinary_mail_a_bounce() -> None:
    assert parse_message(b"From: a@b\nSubject: hi\n\nhello\n").bounce is None
