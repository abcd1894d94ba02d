"""Administration › Webhooks: add one, ping it to a real HTTP receiver, resend a failure.

Over HTTP with the worker sending to `http.server` on loopback (tests/alerts/receiver.py),
and in chromium for the screenshots.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from alerts.receiver import Receiver, serve
from django.contrib.auth.models import User
from django.test import Client
from playwright.sync_api import expect
from web.shots import shoot
from web.test_browser import chromium

from accord.audit.models import AuditEntry
from accord.notify.models import Webhook, WebhookDelivery
from accord.worker.loop import run

from .browser import logged_in

__all__ = ["chromium"]
SECRET = "a shared secret of the receiver"


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    settings.ACCORD_ALERTS = dataclasses.replace(settings.ACCORD_ALERTS, webhook_allow_private=True)
    yield from serve()


def test_an_admin_adds_pings_and_resends_over_http(
    transactional_db: None, ana: User, ben: User, receiver: Receiver
) -> None:
    client = Client()
    client.force_login(ana)
    body = {"url": receiver.url, "events": ["sla.breached", "page"], "format": "json"}
    short = client.post("/manage/webhooks/", {**body, "secret": "short"})
    assert short.status_code == 422 and b'data-field="secret"' in short.content
    made = client.post("/manage/webhooks/", {**body, "secret": SECRET})
    assert made.status_code == 200 and b"Webhook" in made.content and b"added" in made.content
    assert SECRET.encode() not in made.content
    hook = Webhook.objects.get()
    assert hook.events == ["sla.breached", "page"] and hook.secret == SECRET

    receiver.statuses = [410]  # the receiver refuses it: a permanent failure
    assert client.post("/manage/webhooks/ping/", {"id": hook.pk}).status_code == 302
    run(until_idle=True)
    failed = WebhookDelivery.objects.get(state="failed")
    assert failed.reason == "HTTP 410"
    page = client.get("/manage/webhooks/")
    assert f'data-delivery="{failed.pk}"'.encode() in page.content and b"Resend" in page.content
    assert SECRET.encode() not in page.content

    receiver.statuses = []
    assert client.post("/manage/webhooks/resend/", {"id": failed.pk}).status_code == 302
    run(until_idle=True)
    assert len(receiver.delivered()) == 1
    (post,) = receiver.delivered().values()
    assert post.verifies(SECRET) and post.json()["event"] == "ping"

    assert client.post("/manage/webhooks/delete/", {"id": hook.pk}).status_code == 302
    hook.refresh_from_db()
    assert not hook.active
    refused = client.post("/manage/webhooks/ping/", {"id": hook.pk})
    assert refused.status_code == 409 and b"was deleted" in refused.content
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"webhook.create", "webhook.ping", "webhook.delete"} <= actions
    agent = Client()
    agent.force_login(ben)
    assert agent.get("/manage/webhooks/").status_code == 403
    assert agent.post("/manage/webhooks/ping/", {"id": hook.pk}).status_code == 403


def test_the_webhooks_page_in_a_browser(
    chromium: str, live_server: object, transactional_db: None, ana: User, receiver: Receiver
) -> None:
    base = str(live_server)
    with logged_in(chromium, base) as page:
        page.click("text=Administration")
        page.click(".manage-nav >> text=Webhooks")
        expect(page.locator(".empty").first).to_contain_text("No webhook yet")
        page.fill("#id_url", receiver.url)
        page.check("input[value='sla.breached']")
        page.check("input[value='sla.warning']")
        page.fill("#id_secret", SECRET)
        page.click("text=Add webhook")
        expect(page.locator("#created")).to_contain_text("added")
        page.click("#created >> text=Send a ping")
        expect(page.locator("#deliveries tbody tr")).to_have_count(1)
        shoot(page, "manage-webhooks")
    assert WebhookDelivery.objects.get().event == "ping"
