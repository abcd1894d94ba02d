"""CCs of the inbound mail are kept on agent replies (issue 8 section 5), through a real
SMTP server: the Cc header and the envelope both carry them."""

from __future__ import annotations

from typing import Any

from intake.support import deliver, message

from accord.notify.models import Outbox
from accord.tickets import actions
from accord.worker.loop import run

from .test_outbound_smtp import received, smtp_at


def test_an_agent_reply_keeps_the_ccs_of_the_inbound_mail(
    mail_desk: Any, smtp_server: Any, settings: Any
) -> None:
    smtp_at(settings, smtp_server.host, smtp_server.port)
    raw = message(
        "Printing fails", Cc="Tama <tama@kiwi.example>, Support <support@capella.example>"
    )
    request = deliver(raw).raw.request
    actions.post_message(mail_desk.agent, request.number, body="Please restart the spooler.")
    actions.post_message(mail_desk.agent, request.number, body="Checking in.", public=False)
    run(until_idle=True)
    (ack_rcpts, ack), (rcpts, reply) = received(smtp_server)
    assert ack_rcpts == ["mere@kiwi.example"] and ack["Cc"] is None  # automated: no copies
    assert rcpts == ["mere@kiwi.example", "tama@kiwi.example"]  # our own address is not copied
    assert reply["Cc"] == "tama@kiwi.example"
    assert Outbox.objects.get(request=request, kind="reply").cc == "tama@kiwi.example"
