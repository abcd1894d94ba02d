"""Triage in a real browser (chromium via playwright): suggested exclusions, split."""

from __future__ import annotations

from desk.personas import Desk
from django.contrib.auth.models import User
from playwright.sync_api import expect, sync_playwright

from accord.tickets import intake
from accord.tickets.models import Request

from .conftest import PASSWORD
from .shots import shoot
from .test_browser import CHROMIUM_ARGS, chromium

__all__ = ["chromium"]


def _login(page, base: str) -> None:
    page.goto(base + "/login/")
    page.fill("#id_username", "mia")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def _open(desk: Desk, subject: str, description: str, level: str = "high") -> Request:
    return intake.open_request(
        desk.lead,
        contact=desk.mere.pk,
        channel="email",
        level=level,
        subject=subject,
        description=description,
    )


def test_an_agent_reviews_and_confirms_a_suggested_exclusion(
    chromium: str, live_server: object, transactional_db: None, desk: Desk, manager: User
) -> None:
    reset = _open(desk, "Can't log in", "Hello, I've forgotten my password and can't get in.")
    _open(desk, "New label printer", "Can you help us set up our new label printer?", "low")
    _open(desk, "Reports crash", "The monthly report crashes since the update.")
    base = str(live_server)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            _login(page, base)
            page.click("nav >> text=Triage")
            rows = page.locator("#suggested tbody tr")
            expect(rows).to_have_count(2)
            expect(rows.first).to_contain_text("2.4.1 Password reset")
            shoot(page, "triage-exclusions")
            rows.first.locator("a").click()
            box = page.locator("#suggested-exclusion")
            expect(box).to_contain_text("Suggested exclusion: Password reset")
            expect(box.locator("pre.preview")).to_contain_text("Assistance with password resets")
            expect(page.locator(".targets")).to_contain_text("running")
            shoot(page, "request-suggestion")
            page.click("#action-confirm-exclusion button[type=submit]")
            expect(page.locator("p.done")).to_contain_text("Confirm the suggested exclusion")
            expect(page.locator("#suggested-exclusion")).to_have_count(0)
            expect(page.locator(".head")).to_contain_text("Excluded request type")
            expect(page.locator(".conversation")).to_contain_text("clause 2.4.1")
            page.click("nav >> text=Triage")
            expect(page.locator("#suggested tbody tr")).to_have_count(1)
        finally:
            browser.close()
    reset.refresh_from_db()  # after the browser: its event loop forbids the ORM
    assert (reset.scope, reset.scope_clause, reset.suggested_exclusion) == (
        "excluded",
        "2.4.1",
        "",
    )
