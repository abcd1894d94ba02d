"""RFC 3834 automation rules, our own mail coming back, and untrusted X-Accord headers."""

from __future__ import annotations

import pytest

from accord.intake.mail.loops import (
    OwnMail,
    is_automated,
    is_own_message,
    own_references,
    strip_accord_headers,
)
from accord.intake.mail.parse import parse_message

from .conftest import CORPUS


def _msg(*headers: str, sender: str = "Customer <customer@example.org>") -> bytes:
    lines = [f"From: {sender}", "To: support@desk.example", "Subject: help", *headers]
    return ("\n".join(lines) + "\n\nbody\n").encode()


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("Auto-Submitted: auto-replied", "Auto-Submitted: auto-replied"),
        ("Auto-Submitted: auto-generated (failure)", "Auto-Submitted: auto-generated"),
        ("Auto-Submitted: Auto-Notified; owner-email=x@y", "Auto-Submitted: auto-notified"),
        ("Precedence: bulk", "Precedence: bulk"),
        ("Precedence: JUNK", "Precedence: junk"),
        ("Precedence: list", "Precedence: list"),
        ("List-Id: Users <users.lists.example.org>", "List-Id"),
        ("X-Autoreply: yes", "X-Autoreply"),
        ("X-Auto-Response-Suppress: All", "X-Auto-Response-Suppress: All"),
        ("Return-Path: <>", "empty Return-Path"),
    ],
)
def test_it_flags_automated_mail_with_the_reason(header: str, reason: str) -> None:
    verdict = is_automated(parse_message(_msg(header)))
    assert verdict.automated and bool(verdict)
    assert verdict.reasons == (reason,)


@pytest.mark.parametrize(
    "sender", ["MAILER-DAEMON@mx.example.org", "Postmaster <postmaster@example.org>"]
)
def test_it_flags_mailer_daemon_and_postmaster_senders(sender: str) -> None:
    verdict = is_automated(parse_message(_msg(sender=sender)))
    assert verdict.automated and verdict.reasons[0].startswith("sender ")


def test_it_lets_ordinary_and_explicitly_human_mail_through() -> None:
    for headers in [
        (),
        ("Auto-Submitted: no",),
        ("Precedence: first-class",),
        ("X-Auto-Response-Suppress: None",),
    ]:
        verdict = is_automated(parse_message(_msg(*headers)))
        assert not verdict and verdict.reasons == (), headers


def test_it_flags_corpus_bounces_and_list_mail() -> None:
    bounce = is_automated(parse_message((CORPUS / "rt/multipart-report").read_bytes()))
    assert "delivery status report" in bounce.reasons
    assert "Auto-Submitted: auto-generated" in bounce.reasons
    digest = is_automated(parse_message((CORPUS / "rt/8859-15-message-series_dir").read_bytes()))
    assert set(digest.reasons) == {"Precedence: bulk", "List-Id"}


def test_it_ignores_and_strips_inbound_x_accord_headers() -> None:
    parsed = parse_message(_msg("X-Accord-Auto-Submitted: auto-replied", "X-Accord-Request: 42"))
    assert not is_automated(parsed)
    stripped = strip_accord_headers(parsed)
    assert [k for k, _ in stripped.headers] == ["From", "To", "Subject"]
    assert stripped.text == parsed.text
    clean = parse_message(_msg())
    assert strip_accord_headers(clean) is clean


def test_it_recognises_our_own_message_ids() -> None:
    own = OwnMail(domains=("desk.example",))
    ours = own.make_message_id()
    assert ours.endswith("@desk.example")
    assert is_own_message(parse_message(_msg(f"Message-ID: <{ours}>")), own)
    assert not is_own_message(parse_message(_msg("Message-ID: <abc@customer.example>")), own)
    assert not is_own_message(parse_message(_msg()), own)


def test_it_rejects_forged_ids_in_our_domain_when_a_secret_is_set() -> None:
    own = OwnMail(domains=("desk.example", "mail.desk.example"), secret=b"s3cret")
    ours = own.make_message_id()
    assert own.owns(ours) and own.owns(ours.replace("@desk.example", "@MAIL.desk.example"))
    nonce = ours.split(".")[1]
    assert not own.owns(f"accord.{nonce}.{'0' * 20}@desk.example")
    assert not own.owns("anything@desk.example")
    assert not OwnMail(domains=("desk.example",), secret=b"other").owns(ours)


def test_it_lists_which_of_our_ids_a_reply_refers_to() -> None:
    own = OwnMail(domains=("desk.example",))
    first, second = own.make_message_id(), own.make_message_id()
    raw = _msg(f"In-Reply-To: <{second}>", f"References: <{first}> <x@customer.example> <{second}>")
    assert own_references(parse_message(raw), own) == (second, first)
