"""The customer hears when an agent waits on them, resolves, or closes their request."""

from __future__ import annotations

import email
import email.policy
from datetime import timedelta
from typing import Any

from desk.personas import Desk, nz

from accord.intake.config import parse_smtp_url
from accord.notify.models import Outbox
from accord.notify.transport import SmtpTransport
from accord.tickets import actions
from accord.tickets.intake import open_request
from accord.worker.tasks import send_outbox


def test_it_mails_waiting_resolved_and_closed_to_the_customer(
    desk: Desk, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    t0 = nz(2026, 11, 23, 10)
    with django_capture_on_commit_callbacks(execute=True):
        request = open_request(
            desk.lead, contact=desk.mere.pk, channel="email", level="high",
            subject="Printing fails", description="Since Monday.", received=t0, now=t0,
        )  # fmt: skip
    steps = [
        ("reply", "Please send us the printer log from C:\\logs."),
        ("status", "waiting_on_customer"),
        ("status", "open"),
        ("reply", "Reinstalling the driver fixes it."),
        ("status", "resolved"),
        ("status", "closed"),
    ]
    for i, (what, value) in enumerate(steps, start=1):
        now = t0 + timedelta(minutes=10 * i)
        with django_capture_on_commit_callbacks(execute=True):
            if what == "reply":
                actions.post_message(desk.lead, request.number, body=value, now=now)
            else:
                actions.change_status(desk.lead, request.number, to=value, now=now)
    notices = Outbox.objects.filter(request=request, kind="notice").order_by("id")
    assert [n.notice_key.split(":")[0] for n in notices] == ["status"] * 3
    transport = SmtpTransport(parse_smtp_url(f"smtp://{smtp_server.host}:{smtp_server.port}"))
    assert send_outbox(transport) >= 3
    got = []
    for _, rcpts, data in smtp_server.messages:
        msg = email.message_from_bytes(data, policy=email.policy.default)
        if "[" in str(msg["Subject"]) and rcpts == ["mere@kiwi.example"]:
            got.append((str(msg["Subject"]), msg.get_body(("plain",)).get_content()))
    by_subject = {subject: body for subject, body in got}
    number = request.display_number
    waiting = by_subject[f"[{number}] We need information from you"]
    assert "What we need:" in waiting and "printer log from C:\\logs" in waiting
    resolved = by_subject[f"[{number}] Resolved"]
    assert "Reinstalling the driver fixes it." in resolved and "reopens" in resolved
    closed = by_subject[f"[{number}] Closed"]
    assert "open a new request and quote" in closed
    assert all(not subject.startswith(f"[{number}] SLA") for subject in by_subject)
