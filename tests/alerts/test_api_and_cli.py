"""The alerting interfaces: SLA events and webhooks over HTTP, staff addresses on the CLI."""

from __future__ import annotations

from typing import Any

from desk.personas import Desk, ny
from intake.support import CliDesk

from accord.notify.models import WebhookDelivery
from accord.tickets.sweep import record_due
from accord.worker.tasks import send_webhooks

from .receiver import Receiver
from .test_transitions import _sev1

SECRET = "s3cret-shared-with-the-receiver"


def test_it_lists_a_requests_sla_events(desk: Desk, api_as: Any) -> None:
    request = _sev1(desk)
    record_due(ny(2026, 11, 24, 10, 46))
    record_due(ny(2026, 11, 24, 11, 1))
    got = api_as(desk.agent_token).get(f"/requests/{request.display_number}/sla-events")
    assert got.status_code == 200
    events = got.json()
    assert [(e["target"], e["kind"], e["at"]) for e in events] == [
        ("first_response", "warning", "2026-11-24T10:45:00-05:00"),
        ("first_response", "breached", "2026-11-24T11:00:00-05:00"),
    ]
    assert events[1]["due"] == "2026-11-24T11:00:00-05:00" and events[1]["level"] == "sev1"
    assert events[1]["policy"] == "capsure" and events[1]["clause"]
    other = api_as(desk.olga_token).get(f"/requests/{request.display_number}/sla-events")
    assert other.status_code == 404  # another organisation's request looks unknown


def test_it_manages_webhooks_through_the_api(desk: Desk, api_as: Any, receiver: Receiver) -> None:
    lead, agent = api_as(desk.lead_token), api_as(desk.agent_token)
    body = {"url": receiver.url, "events": ["sla.breached", "sla.warning"], "secret": SECRET}
    assert agent.post("/webhooks", body).status_code == 403
    made = lead.post("/webhooks", body)
    assert made.status_code == 201, made.json()
    hook = made.json()
    assert hook["events"] == ["sla.breached", "sla.warning"] and "secret" not in hook
    assert [h["id"] for h in lead.get("/webhooks").json()] == [hook["id"]]
    pinged = lead.post(f"/webhooks/{hook['id']}/ping", {})
    assert pinged.status_code == 202 and pinged.json()["state"] == "queued"
    assert send_webhooks() == 1
    post = receiver.posts[0]
    assert post.verifies(SECRET) and post.json()["event"] == "ping"
    assert post.headers["X-Accord-Delivery"] == post.json()["id"]
    listed = lead.get("/webhook-deliveries", webhook=hook["id"]).json()
    assert [(d["event"], d["state"], d["status_code"]) for d in listed] == [("ping", "sent", 200)]
    resent = lead.post(f"/webhook-deliveries/{listed[0]['id']}/resend", {})
    assert resent.status_code == 202 and resent.json()["delivery_id"] == listed[0]["delivery_id"]
    assert send_webhooks() == 1
    assert len(receiver.posts) == 2 and len(receiver.delivered()) == 1  # the receiver dedupes
    gone = lead.client.delete(f"/api/v1/webhooks/{hook['id']}", headers=lead.headers)
    assert gone.status_code == 204
    assert lead.get("/webhooks").json() == []
    assert WebhookDelivery.objects.count() == 2  # the record stays


def test_it_names_the_field_of_a_bad_webhook(desk: Desk, api_as: Any, receiver: Receiver) -> None:
    lead = api_as(desk.lead_token)
    cases = [
        ({"url": "not a url", "events": ["sla.met"], "secret": SECRET}, "url"),
        ({"url": receiver.url, "events": ["sla.exploded"], "secret": SECRET}, "events"),
        ({"url": receiver.url, "events": [], "secret": SECRET}, "events"),
        ({"url": receiver.url, "events": ["sla.met"], "secret": "short"}, "secret"),
        ({"url": receiver.url, "events": ["sla.met"], "secret": SECRET, "format": "x"}, "format"),
        ({"url": receiver.url, "events": ["sla.met"], "secret": SECRET, "format": "pagerduty"},
         "routing_key"),
    ]  # fmt: skip
    for body, field in cases:
        got = lead.post("/webhooks", body)
        assert got.status_code == 422 and got.json()["field"] == field, (body, got.json())
    assert lead.get("/webhooks").json() == []


def test_staff_get_an_alert_address_on_the_command_line(cli_desk: CliDesk) -> None:
    made = cli_desk.accord(
        "user", "create", "kiri", "--role", "agent", "--email", "Kiri@Desk.Example"
    )
    assert made.returncode == 0, made.stderr
    assert cli_desk.rows("SELECT email FROM auth_user WHERE username='kiri'") == [
        ("kiri@desk.example",)
    ]
    bad = cli_desk.accord("user", "set", "kiri", "--email", "not-an-address")
    assert bad.returncode == 1 and "email" in bad.stderr.decode()
    changed = cli_desk.accord("user", "set", "kiri", "--email", "kiri@elsewhere.example")
    assert changed.returncode == 0 and b"kiri@elsewhere.example" in changed.stdout
    chosen = cli_desk.accord("user", "alerts", "kiri", "--events", "sla.breached,request.assigned")
    assert chosen.returncode == 0, chosen.stderr
    assert chosen.stdout.decode().strip() == "kiri: request.assigned, sla.breached"
    wrong = cli_desk.accord("user", "alerts", "kiri", "--events", "sla.exploded")
    assert wrong.returncode == 1 and "events" in wrong.stderr.decode()
