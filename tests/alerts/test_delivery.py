"""Alerts leave through real interfaces: SMTP to a sink, signed POSTs to a loopback receiver."""

from __future__ import annotations

import dataclasses
import email
import email.policy
from datetime import timedelta
from typing import Any

from desk.personas import Desk, ny

from accord.errors import Invalid
from accord.intake.config import parse_smtp_url
from accord.notify import webhooks
from accord.notify.alerts import alert_transitions
from accord.notify.models import WebhookDelivery
from accord.notify.transport import SmtpTransport
from accord.tickets.models import Request
from accord.tickets.sweep import record_due
from accord.worker.tasks import send_outbox, send_webhooks

from .receiver import Receiver
from .test_transitions import _sev1

SECRET = "s3cret-shared-with-the-receiver"


def _hook(desk: Desk, receiver: Receiver, **extra: Any) -> Any:
    events = extra.pop("events", ["sla.warning", "sla.breached", "sla.met"])
    return webhooks.create_webhook(
        desk.lead, url=receiver.url, events=events, secret=SECRET, **extra
    )


def _breach(desk: Desk) -> Request:
    request = _sev1(desk)
    record_due(ny(2026, 11, 24, 10, 46))
    record_due(ny(2026, 11, 24, 11, 1))
    alert_transitions(ny(2026, 11, 24, 11, 1))
    return request


def test_it_posts_signed_deliveries_a_receiver_can_verify(desk: Desk, receiver: Receiver) -> None:
    _hook(desk, receiver)
    request = _breach(desk)
    assert send_webhooks(ny(2026, 11, 24, 11, 2)) == 2
    posts = receiver.delivered()
    assert len(posts) == 2 and all(p.verifies(SECRET) for p in posts.values())
    assert not any(p.verifies("another secret") for p in posts.values())
    bodies = sorted((p.json() for p in posts.values()), key=lambda b: b["event"])
    breach = bodies[0]
    assert breach["event"] == "sla.breached" and breach["id"] in posts
    assert breach["request"] == {
        "number": request.display_number,
        "subject": "Gate controller down",
        "level": "sev1",
        "status": "open",
        "organization": "Gatehouse HOA",
        "policy": "capsure",
        "url": f"https://desk.example/requests/{request.display_number}/",
    }
    assert breach["target"]["kind"] == "first_response"
    assert breach["target"]["due"] == "2026-11-24T11:00:00-05:00"
    assert breach["target"]["state"] == "breached" and breach["target"]["clause"]
    assert breach["at"] == "2026-11-24T11:00:00-05:00"
    assert WebhookDelivery.objects.filter(state="sent", status_code=200).count() == 2


def test_it_retries_a_failing_receiver_with_backoff_then_succeeds(
    desk: Desk, receiver: Receiver
) -> None:
    _hook(desk, receiver, events=["sla.breached"])
    _breach(desk)
    receiver.statuses = [500, 503]
    now = ny(2026, 11, 24, 11, 2)
    assert send_webhooks(now) == 1
    row = WebhookDelivery.objects.get()
    assert (row.state, row.attempts, row.reason) == ("queued", 1, "HTTP 500")
    assert send_webhooks(now + timedelta(seconds=30)) == 0  # backoff: one minute first
    assert send_webhooks(now + timedelta(minutes=1)) == 1
    assert send_webhooks(now + timedelta(minutes=4)) == 1
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("sent", 3)
    ids = {p.headers["X-Accord-Delivery"] for p in receiver.posts}
    assert len(receiver.posts) == 3 and ids == {row.delivery_id}
    assert len(receiver.delivered()) == 1


def test_it_formats_slack_and_pagerduty_bodies(desk: Desk, receiver: Receiver) -> None:
    _hook(desk, receiver, events=["sla.breached"], format="slack")
    _hook(desk, receiver, events=["sla.breached"], format="pagerduty", routing_key="R0UT1NG")
    request = _breach(desk)
    send_webhooks(ny(2026, 11, 24, 11, 2))
    bodies = [p.json() for p in receiver.posts]
    slack = next(b for b in bodies if "text" in b)
    assert slack["text"].startswith(f"sla.breached {request.display_number} first_response")
    duty = next(b for b in bodies if "routing_key" in b)
    assert duty["routing_key"] == "R0UT1NG" and duty["event_action"] == "trigger"
    assert duty["payload"]["severity"] == "critical"
    assert duty["dedup_key"] == f"accord-{request.display_number}-first_response"


def test_it_refuses_a_private_address_unless_allowed(
    desk: Desk, receiver: Receiver, alerts_settings: Any
) -> None:
    alerts_settings.ACCORD_ALERTS = dataclasses.replace(
        alerts_settings.ACCORD_ALERTS, webhook_allow_private=False
    )
    for url in (receiver.url, "http://10.1.2.3/x", "http://169.254.169.254/latest", "ftp://x/"):
        try:
            webhooks.create_webhook(desk.lead, url=url, events=["sla.met"], secret=SECRET)
        except Invalid as exc:
            assert exc.field == "url"
        else:
            raise AssertionError(f"{url} was accepted")


def test_it_mails_staff_alerts_through_smtp(desk: Desk, smtp_server: Any) -> None:
    request = _breach(desk)
    transport = SmtpTransport(parse_smtp_url(f"smtp://{smtp_server.host}:{smtp_server.port}"))
    assert send_outbox(transport, ny(2026, 11, 24, 11, 2)) >= 3
    got = {}
    for _, rcpts, data in smtp_server.messages:
        msg = email.message_from_bytes(data, policy=email.policy.default)
        got.setdefault(rcpts[0], []).append(str(msg["Subject"]))
    number = request.display_number
    assert sorted(got["agent@desk.example"]) == [
        f"[{number}] SLA breached: first response breached",
        f"[{number}] SLA warning: first response due soon",
    ]
    assert got["boss@desk.example"] == [f"[{number}] SLA breached: first response breached"]
    assert all(not r.endswith("gate.example") for r in got if r != "sam@gate.example")
