"""The releases page and a scope message in a real browser (chromium via playwright)."""

from __future__ import annotations

from desk.personas import Desk
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from accord.accounts import services as accounts
from accord.tickets import intake
from accord.worker.tasks import release_lifecycle

from .conftest import PASSWORD
from .shots import shoot
from .test_browser import CHROMIUM_ARGS, chromium
from .test_releases_page import onprem

__all__ = ["chromium"]


def _login(page, base: str) -> None:
    page.goto(base + "/login/")
    page.fill("#id_username", "mia")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def test_a_vendor_sees_late_and_unsupported_installations_and_adds_a_release(
    chromium: str, live_server: object, transactional_db: None, desk: Desk, manager: User
) -> None:
    lead = desk.lead
    # Releases are contracts, an admin's (docs/roles.md): mia signs in as one here.
    accounts.set_role("mia", "admin")
    onprem(lead, "Tui Logistics")
    release_lifecycle(now=timezone.now())
    lapsed = intake.open_request(
        lead,
        contact=desk.lapsed_contact.pk,
        channel="email",
        level="high",
        subject="Reports hang",
        description="Since Monday.",
    )
    base = str(live_server)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            _login(page, base)
            page.click("text=Releases")
            expect(page.locator("#late")).to_contain_text("Tui Logistics")
            expect(page.locator("#unsupported")).to_contain_text("7.5, 7.4, 7.3, 7.2")
            page.fill("#id_product", "Capella System")
            page.fill("#id_version", "7.6")
            page.fill("#id_available", "2027-02-01")
            page.click("#add-release button[type=submit]")
            row = page.locator('tr[data-version="7.6"]')
            expect(row).to_contain_text("Announced")
            shoot(page, "releases")
            page.goto(f"{base}/requests/{lapsed.display_number}/")
            conversation = page.locator(".conversation")
            expect(conversation).to_contain_text("Rights to Capella Support")
            expect(conversation).to_contain_text("ended on 2026-10-31")
            shoot(page, "scope-message-not-entitled")
        finally:
            browser.close()
