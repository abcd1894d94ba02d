"""Outbound mail through the outbox, sent by the worker to a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import dataclasses
import email
import email.policy
import socket
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone
from intake.support import deliver, message

from accord.intake.config import SmtpSettings
from accord.intake.identity import own_mail
from accord.notify.models import Outbox
from accord.notify.transport import SmtpTransport
from accord.tickets import actions
from accord.tickets.models import Request
from accord.worker.loop import run


def smtp_at(settings: Any, host: str, port: int) -> SmtpTransport:
    smtp = SmtpSettings(host=host, port=port, username=None, password=None, security="plain")
    settings.ACCORD_MAIL = dataclasses.replace(settings.ACCORD_MAIL, smtp=smtp)
    return SmtpTransport(smtp)


def received(server: Any) -> list[tuple[list[str], EmailMessage]]:
    return [
        (rcpts, email.message_from_bytes(data, policy=email.policy.default))  # type: ignore[misc]
        for _, rcpts, data in server.messages
    ]


def ids(value: str | None) -> list[str]:
    return [i.strip("<>") for i in (value or "").split()]


def test_it_mails_the_acknowledgement_with_threading_headers(
    mail_desk: Any, smtp_server: Any, settings: Any
) -> None:
    smtp_at(settings, smtp_server.host, smtp_server.port)
    request = deliver(message("Printing fails")).raw.request
    totals = run(until_idle=True)
    assert totals.sent == 1 and not totals.errors
    ((rcpts, ack),) = received(smtp_server)
    assert rcpts == ["mere@kiwi.example"]
    assert ack["Subject"] == f"[{request.display_number}] Received: Printing fails"
    assert ids(ack["In-Reply-To"]) == ["m1@kiwi.example"]
    assert "m1@kiwi.example" in ids(ack["References"])
    assert ack["Auto-Submitted"] == "auto-replied"
    assert own_mail().owns(ack["Message-ID"].strip("<>"))
    assert ack["Message-ID"].strip("<>").endswith("@desk.example")
    assert ack["From"] == "Capella Support <support@capella.example>"
    assert ack.get_content_type() == "multipart/alternative"
    text = ack.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = ack.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert request.display_number in text and request.display_number in html
    assert Outbox.objects.get(request=request).state == "sent"


def test_it_mails_an_agent_reply_in_the_thread(
    mail_desk: Any, smtp_server: Any, settings: Any
) -> None:
    smtp_at(settings, smtp_server.host, smtp_server.port)
    request = deliver(message("Printing fails")).raw.request
    actions.post_message(mail_desk.agent, request.number, body="Please restart the spooler.")
    run(until_idle=True)
    (_, ack), (rcpts, reply) = received(smtp_server)
    assert rcpts == ["mere@kiwi.example"]
    assert reply["Subject"] == f"Re: [{request.display_number}] Printing fails"
    assert ids(reply["In-Reply-To"]) == ["m1@kiwi.example"]
    assert ids(reply["References"]) == ["m1@kiwi.example", ack["Message-ID"].strip("<>")]
    assert reply["Auto-Submitted"] is None
    assert "Please restart the spooler." in reply.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    # The customer answers our reply: it threads by In-Reply-To.
    answer = message(
        "Re: whatever",
        message_id="m2@kiwi.example",
        body="Restarted, works now.",
        In_Reply_To=reply["Message-ID"],
    )
    assert deliver(answer).raw.request == request
    # Our own reply coming back (a forwarding loop) is dropped.
    looped = deliver(bytes(smtp_server.messages[1][2]))
    assert looped.raw.state == "ignored"


def test_it_retries_with_backoff_until_the_server_is_up(
    mail_desk: Any, smtp_server: Any, settings: Any
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    smtp_at(settings, "127.0.0.1", closed_port)
    request = deliver(message("Printing fails")).raw.request
    before = timezone.now()
    run(until_idle=True)
    row = Outbox.objects.get(request=request)
    assert row.state == "queued" and row.attempts == 1
    assert row.next_attempt_at is not None
    assert row.next_attempt_at - before >= timedelta(seconds=59)
    assert "cannot connect" in row.reason
    run(until_idle=True)  # not due yet: nothing happens
    assert Outbox.objects.get(pk=row.pk).attempts == 1
    smtp_at(settings, smtp_server.host, smtp_server.port)
    Outbox.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    run(until_idle=True)
    row.refresh_from_db()
    assert row.state == "sent" and row.attempts == 2
    assert len(smtp_server.messages) == 1


class Refusing:
    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        return "550 5.1.1 no such user"


@pytest.fixture
def refusing_smtp() -> Any:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Refusing(), hostname="127.0.0.1", port=port)
    controller.start()
    yield port
    controller.stop()


def test_it_gives_up_on_a_permanent_refusal(
    mail_desk: Any, refusing_smtp: int, settings: Any
) -> None:
    smtp_at(settings, "127.0.0.1", refusing_smtp)
    request = deliver(message("Printing fails")).raw.request
    run(until_idle=True)
    row = Outbox.objects.get(request=request)
    assert row.state == "failed" and "550" in row.reason


def test_it_does_not_mail_history_imported_with_past_instants(mail_desk: Any) -> None:
    request = deliver(message("Printing fails")).raw.request
    past = timezone.now() + timedelta(seconds=1)
    actions.post_message(mail_desk.lead, request.number, body="(imported) answered", at=past)
    assert Outbox.objects.filter(request=request, kind="reply").count() == 1
    old = request.received - timedelta(days=3)
    from accord.tickets.intake import open_request

    imported = open_request(
        mail_desk.lead,
        contact=mail_desk.mere.pk,
        channel="email",
        level="medium",
        subject="Old one",
        description="From the previous desk",
        received=old,
    )
    assert not Outbox.objects.filter(request=imported).exists()


def test_it_sweeps_messages_whose_outbox_row_is_missing(mail_desk: Any) -> None:
    from accord.worker.tasks import sweep_outbox

    request = deliver(message("Printing fails")).raw.request
    actions.post_message(mail_desk.agent, request.number, body="Answer")
    Outbox.objects.filter(request=request).delete()
    assert sweep_outbox() == 2
    assert sweep_outbox() == 0
    kinds = sorted(Outbox.objects.filter(request=request).values_list("kind", flat=True))
    assert kinds == ["ack", "reply"]


def test_it_sends_a_one_line_subject_whatever_the_request_says(
    mail_desk: Any, smtp_server: Any, settings: Any
) -> None:
    smtp_at(settings, smtp_server.host, smtp_server.port)
    request = deliver(message("Printing fails")).raw.request
    Request.objects.filter(pk=request.pk).update(subject="Two\nlines\tand\x07more")
    actions.post_message(mail_desk.agent, request.number, body="Answer")
    run(until_idle=True)
    (_, _ack), (_, reply) = received(smtp_server)
    assert reply["Subject"] == f"Re: [{request.display_number}] Two lines and more"
