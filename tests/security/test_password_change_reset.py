"""Staff change their password, or reset it by mail; the mail goes through the outbox.

Everything through HTTP (Django's test client on the desk's URLs); the reset mail
is sent by the worker to a real SMTP server (aiosmtpd) and its link is followed.
"""

from __future__ import annotations

import dataclasses
import re
from email import message_from_bytes, policy
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from mail.conftest import smtp_server as mail_smtp_server
from web.test_browser import chromium

from accord.accounts import services as accounts
from accord.audit.models import AuditEntry
from accord.intake.config import SmtpSettings
from accord.notify.models import Outbox
from accord.worker.loop import run

from .conftest import PASSWORD

__all__ = ["chromium"]

smtp_server = mail_smtp_server
NEW = "violet harbour compass 77"
LINK = re.compile(r"https?://\S+/password/reset/\S+/\S+/")


@pytest.fixture
def smtp(settings: Any, smtp_server: Any) -> Any:
    settings.ACCORD_MAIL = dataclasses.replace(
        settings.ACCORD_MAIL,
        smtp=SmtpSettings("127.0.0.1", smtp_server.port, None, None, "plain", timeout=10),
    )
    return smtp_server


def logs_in(password: str, name: str = "ben") -> bool:
    client = Client()
    response = client.post("/login/", {"username": name, "password": password})
    return response.status_code == 302 and client.get("/").status_code == 200


def test_it_changes_the_password_with_the_validators_and_keeps_this_session(
    ben: User,
) -> None:
    client, other = Client(), Client()
    for c in (client, other):
        assert c.post("/login/", {"username": "ben", "password": PASSWORD}).status_code == 302
    page = client.get("/password/change/")
    assert page.status_code == 200 and b"new_password1" in page.content
    weak = client.post(
        "/password/change/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert weak.status_code == 200
    assert b"This password is too short" in weak.content
    assert b'data-field="new_password2"' in weak.content
    wrong = client.post(
        "/password/change/",
        {"old_password": "nope", "new_password1": NEW, "new_password2": NEW},
    )
    assert b'data-field="old_password"' in wrong.content
    done = client.post(
        "/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert done.status_code == 302 and done["Location"] == "/password/change/done/"
    assert client.get("/").status_code == 200  # this session stays
    assert other.get("/").status_code == 302  # the other one ended
    assert logs_in(NEW) and not logs_in(PASSWORD)
    assert AuditEntry.objects.filter(action="user.set_password", actor="user:ben").count() == 1


def test_the_change_page_needs_a_login(db: None) -> None:
    response = Client().get("/password/change/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_reset_link_comes_by_mail_through_the_outbox_and_works_once(
    transactional_db: None, ben: User, smtp: Any
) -> None:
    # transactional_db: the worker's pass commits and may reconnect (PostgreSQL).
    accounts.set_email("ben", "ben@desk.example")
    client = Client()
    assert b"Forgot your password?" in client.get("/login/").content
    sent = client.post("/password/reset/", {"email": "BEN@desk.example"})
    assert sent.status_code == 302 and sent["Location"] == "/password/reset/sent/"
    row = Outbox.objects.get()
    assert (row.to_email, row.state, row.request) == ("ben@desk.example", "queued", None)
    client.post("/password/reset/", {"email": "ben@desk.example"})
    assert Outbox.objects.count() == 1  # one link per five minutes
    totals = run(until_idle=True)
    assert totals.sent == 1, totals
    [(_, rcpts, raw)] = smtp.messages
    assert rcpts == ["ben@desk.example"]
    mail = message_from_bytes(raw, policy=policy.default)
    body = mail.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    link = LINK.search(body)
    assert link is not None, body
    path = "/" + link.group(0).split("/", 3)[3]

    form = client.get(path, follow=True)
    assert form.status_code == 200 and b"new_password1" in form.content
    url = form.redirect_chain[-1][0]  # Django moves the token out of the URL
    weak = client.post(url, {"new_password1": "password", "new_password2": "password"})
    assert b"This password is too common" in weak.content
    done = client.post(url, {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302 and done["Location"] == "/password/reset/done/"
    assert logs_in(NEW)
    again = Client().get(path, follow=True)
    assert b"does not work any more" in again.content
    actions = list(AuditEntry.objects.values_list("action", flat=True).order_by("pk"))
    assert actions[-2:] == ["user.password_reset_requested", "user.set_password"]


def test_no_mail_for_an_unknown_address_or_a_login_without_a_desk_profile(db: None) -> None:
    User.objects.create_user("stranger", email="stranger@desk.example", password=PASSWORD)
    client = Client()
    for email in ("nobody@desk.example", "stranger@desk.example"):
        response = client.post("/password/reset/", {"email": email})
        assert response.status_code == 302 and response["Location"] == "/password/reset/sent/"
    assert not Outbox.objects.exists()


def test_a_staff_member_changes_their_password_in_a_browser(
    chromium: str, live_server: object, transactional_db: None, ben: User
) -> None:
    from playwright.sync_api import expect, sync_playwright
    from web.shots import shoot
    from web.test_browser import CHROMIUM_ARGS

    base = str(live_server)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_default_timeout(30_000)
            page.goto(base + "/login/")
            page.click("text=Forgot your password?")
            expect(page.locator("h1")).to_have_text("Password reset")
            shoot(page, "password-reset")
            page.goto(base + "/login/")
            page.fill("#id_username", "ben")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.click(".who >> text=ben")
            expect(page.locator("h1")).to_have_text("Password change")
            page.fill("#id_old_password", PASSWORD)
            page.fill("#id_new_password1", "ben12345")
            page.fill("#id_new_password2", "ben12345")
            page.click("text=Change my password")
            expect(page.locator('[data-field="new_password2"]').first).to_be_visible()
            shoot(page, "password-change")
            page.fill("#id_old_password", PASSWORD)
            page.fill("#id_new_password1", NEW)
            page.fill("#id_new_password2", NEW)
            page.click("text=Change my password")
            expect(page.locator("[role=status]")).to_contain_text("Your password was changed")
            page.goto(base + "/")
            expect(page).to_have_url(base + "/")
        finally:
            browser.close()
    assert logs_in(NEW)
