"""The administration pages in a real browser: add an address, change a role, at two widths.

Screenshots go to $ACCORD_SCREENSHOT_DIR when set (docs/screenshots/ is made
that way), otherwise to the test's temporary directory.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.contrib.auth.models import User
from playwright.sync_api import expect, sync_playwright
from web.test_browser import CHROMIUM_ARGS, chromium

from accord.intake.models import SupportAddress

from .conftest import PASSWORD

__all__ = ["chromium"]


def test_an_admin_configures_the_desk_from_the_pages(
    chromium: str, live_server: object, transactional_db: None, ana: User, ben: User, tmp_path
) -> None:
    shots = Path(os.environ.get("ACCORD_SCREENSHOT_DIR") or tmp_path)
    base = str(live_server)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_default_timeout(30_000)
            page.goto(base + "/login/")
            page.fill("#id_username", "ana")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.click("text=Administration")
            expect(page).to_have_url(base + "/manage/addresses/")
            expect(page.locator(".empty")).to_contain_text("incoming mail is quarantined")

            page.fill("#id_email", "nonsense")
            page.fill("#id_name", "Capella Support")
            page.select_option("#id_policy", "capella")
            page.fill("#id_level", "medium")
            page.click("text=Add address")
            expect(page.locator('[data-field="email"]')).to_contain_text(
                "email: 'nonsense' is not an email address"
            )
            page.fill("#id_email", "support@capella.example")
            page.check("#id_is_default")
            page.click("text=Add address")
            row = page.locator('tr[data-email="support@capella.example"]')
            expect(row).to_contain_text("default")
            page.screenshot(path=str(shots / "admin-addresses-1400.png"), full_page=True)

            page.click("text=Users")
            ben_row = page.locator('tr[data-user="ben"]')
            ben_row.locator("select[name=role]").select_option("manager")
            ben_row.locator("text=Set role").click()
            expect(page.locator('tr[data-user="ben"] select[name=role]')).to_have_value("manager")
            page.locator('tr[data-user="ben"]').locator("text=Deactivate").click()
            expect(page.locator('tr[data-user="ben"] .state')).to_have_text("inactive")
            page.screenshot(path=str(shots / "admin-users-1400.png"), full_page=True)

            page.click("text=Outbox")
            expect(page.locator(".empty")).to_contain_text("Every mail was delivered")
            page.screenshot(path=str(shots / "admin-outbox-1400.png"), full_page=True)

            page.set_viewport_size({"width": 390, "height": 844})
            for name in ["addresses", "users"]:
                page.goto(f"{base}/manage/{name}/")
                page.screenshot(path=str(shots / f"admin-{name}-390.png"), full_page=True)
        finally:
            browser.close()
    row_stored = SupportAddress.objects.get()
    assert (row_stored.policy, row_stored.is_default) == ("capella", True)
    ben.refresh_from_db()
    assert ben.agent.role == "manager" and not ben.is_active
