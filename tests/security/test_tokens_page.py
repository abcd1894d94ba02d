"""Administration › API tokens: issue one (shown once), see it used, revoke it."""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from django.test import Client
from playwright.sync_api import expect
from web.shots import shoot
from web.test_browser import chromium

from accord.audit.models import AuditEntry

from .browser import logged_in

__all__ = ["chromium"]
SECRET = re.compile(rb"<code>(acc_[A-Za-z0-9_-]+)</code>")


def test_a_token_is_shown_once_works_and_stops_when_revoked(ana: User, ben: User) -> None:
    client = Client()
    client.force_login(ana)
    refused = client.post("/manage/tokens/", {"user": "", "contact": ""})
    assert refused.status_code == 422 and b'data-field="user"' in refused.content
    made = client.post("/manage/tokens/", {"user": "ben"})
    assert made.status_code == 200 and made["Cache-Control"] == "no-store"
    found = SECRET.search(made.content)
    assert found is not None, made.content
    secret = found.group(1).decode()
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    assert api.get("/api/v1/requests").status_code == 200
    listing = client.get("/manage/tokens/")
    assert secret.encode() not in listing.content and b"user:ben" in listing.content
    token_id = AuditEntry.objects.get(action="token.create").object_id
    assert client.post("/manage/tokens/revoke/", {"id": token_id}).status_code == 302
    assert api.get("/api/v1/requests").status_code == 401
    again = client.post("/manage/tokens/revoke/", {"id": token_id})
    assert again.status_code == 422 and b"already revoked" in again.content
    agent = Client()
    agent.force_login(ben)
    assert agent.get("/manage/tokens/").status_code == 403
    assert agent.post("/manage/tokens/", {"user": "ben"}).status_code == 403


def test_the_tokens_page_in_a_browser(
    chromium: str, live_server: object, transactional_db: None, ana: User, ben: User
) -> None:
    base = str(live_server)
    with logged_in(chromium, base) as page:
        page.goto(base + "/manage/tokens/")
        page.select_option("#id_user", "ben")
        page.click("text=Issue token")
        expect(page.locator("#secret")).to_contain_text("not shown again")
        expect(page.locator("#tokens tbody tr")).to_have_count(1)
        shoot(page, "manage-tokens")
