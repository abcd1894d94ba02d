"""Administration › IMAP sources: a write-only password and "test connection" on real Dovecot.

The desk's pages over HTTP (and in chromium for the screenshots); the IMAP server
is Dovecot started by scripts/dovecot-test-server on loopback.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.test import Client
from mail.conftest import Dovecot, dovecot
from playwright.sync_api import expect
from web.shots import shoot
from web.test_browser import chromium

from accord.audit.models import AuditEntry
from accord.intake.models import ImapSource

from .browser import logged_in

__all__ = ["chromium", "dovecot"]


def form(server: Dovecot, **changes: Any) -> dict[str, Any]:
    return {
        "name": "support",
        "host": server.host,
        "port": server.port,
        "security": "plain",
        "username": server.user,
        "password": server.password,
        "folders": "INBOX",
        "after_store": "flag",
        "flag": "$Accord",
        "address": "",
        "interval_seconds": 60,
        "enabled": "on",
        **changes,
    }


def admin_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_password_is_write_only_and_the_test_logs_in(
    ana: User, ben: User, dovecot: Dovecot
) -> None:
    client = admin_client(ana)
    refused = client.post("/manage/imap/", form(dovecot, host="imap.example.com"))
    assert refused.status_code == 422
    assert b'data-field="security"' in refused.content and b"loopback hosts only" in refused.content
    assert dovecot.password.encode() not in refused.content  # not even echoed back
    created = client.post("/manage/imap/", form(dovecot))
    assert created.status_code == 302, created.content
    row = ImapSource.objects.get()
    assert row.password == dovecot.password
    for url in ("/manage/imap/", f"/manage/imap/{row.pk}/"):
        page = client.get(url)
        assert page.status_code == 200 and dovecot.password.encode() not in page.content
    entry = AuditEntry.objects.get(action="imap_source.create")
    assert entry.data["password_changed"] is True and dovecot.password not in str(entry.data)

    tested = client.post(f"/manage/imap/{row.pk}/test/")
    assert b"Connection works" in tested.content, tested.content
    assert f"logged in as {dovecot.user}".encode() in tested.content
    assert b"INBOX: " in tested.content

    kept = client.post(f"/manage/imap/{row.pk}/", form(dovecot, password="", folders="INBOX, Nope"))
    assert kept.status_code == 302
    row.refresh_from_db()
    assert row.password == dovecot.password and row.folders == "INBOX, Nope"
    tested = client.post(f"/manage/imap/{row.pk}/test/")
    assert b"Connection failed" in tested.content and b"Nope: cannot open" in tested.content

    client.post(
        f"/manage/imap/{row.pk}/", form(dovecot, password="wrong-password", folders="INBOX")
    )
    tested = client.post(f"/manage/imap/{row.pk}/test/")
    assert b"Connection failed" in tested.content and b"login refused" in tested.content
    assert b"wrong-password" not in tested.content
    # Agents see none of it; the Django admin only reads, without the password.
    assert admin_client(ben).get("/manage/imap/").status_code == 403
    assert admin_client(ben).post(f"/manage/imap/{row.pk}/test/").status_code == 403
    admin_page = client.get(f"/admin/intake/imapsource/{row.pk}/change/")
    assert admin_page.status_code == 200 and b"wrong-password" not in admin_page.content
    assert client.get("/admin/intake/imapsource/add/").status_code == 403


def test_an_admin_adds_and_tests_a_source_in_a_browser(
    chromium: str, live_server: object, transactional_db: None, ana: User, dovecot: Dovecot
) -> None:
    base = str(live_server)
    with logged_in(chromium, base) as page:
        page.click("text=Administration")
        page.click(".manage-nav >> text=IMAP sources")
        expect(page.locator(".empty")).to_contain_text("No IMAP source")
        for name, value in form(dovecot).items():
            if name in ("security", "after_store", "address"):
                page.select_option(f"#id_{name}", str(value))
            elif name != "enabled":
                page.fill(f"#id_{name}", str(value))
        page.click("text=Add source")
        expect(page.locator("h1")).to_have_text("support")
        expect(page.locator("#id_password")).to_have_value("")
        page.click("text=Test connection")
        expect(page.locator("#test-result")).to_contain_text("Connection works")
        shoot(page, "manage-imap-source")
        page.click(".crumbs >> text=IMAP sources")
        expect(page.locator('tr[data-source="support"] .password')).to_have_text("set")
        shoot(page, "manage-imap")


def test_the_api_saves_and_tests_sources_and_addresses(
    ana: User, ben: User, dovecot: Dovecot
) -> None:
    from accord.accounts import services as accounts

    admin = Client(headers={"Authorization": f"Bearer {accounts.create_token(user='ana')}"})
    agent = Client(headers={"Authorization": f"Bearer {accounts.create_token(user='ben')}"})

    def post(client: Client, path: str, body: dict[str, Any]) -> Any:
        return client.post(f"/api/v1{path}", body, content_type="application/json")

    address = {"email": "not-an-email", "name": "Support", "policy": "capella", "level": "low"}
    assert post(admin, "/support-addresses", address).json()["field"] == "email"
    made = post(admin, "/support-addresses", {**address, "email": "support@capella.example"})
    assert made.status_code == 201 and made.json()["email"] == "support@capella.example"
    assert post(agent, "/support-addresses", address).status_code == 403
    body = {k: v for k, v in form(dovecot).items() if k != "enabled"}
    body["address"] = "support@capella.example"
    created = post(admin, "/imap-sources", body)
    assert created.status_code == 201, created.content
    source = created.json()
    assert source["password_set"] is True and "password" not in source
    assert dovecot.password.encode() not in created.content
    tested = post(admin, f"/imap-sources/{source['id']}/test", {})
    assert tested.status_code == 200 and tested.json()["ok"] is True, tested.content
    kept = admin.put(
        f"/api/v1/imap-sources/{source['id']}",
        {**body, "password": "", "folders": "INBOX, Nope"},
        content_type="application/json",
    )
    assert kept.status_code == 200 and kept.json()["folders"] == "INBOX, Nope"
    assert ImapSource.objects.get().password == dovecot.password
    result = post(admin, f"/imap-sources/{source['id']}/test", {}).json()
    assert result["ok"] is False and any("Nope: cannot open" in line for line in result["lines"])
    assert agent.get("/api/v1/imap-sources").status_code == 403
    listed = admin.get("/api/v1/imap-sources")
    assert listed.status_code == 200 and dovecot.password.encode() not in listed.content
