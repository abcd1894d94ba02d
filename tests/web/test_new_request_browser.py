"""The desk's "New request" form in a real browser (Debian's chromium through playwright)."""

from __future__ import annotations

import re
from datetime import timedelta

from desk.conftest import FrozenClock
from desk.personas import NY, Desk
from django.contrib.auth.models import User
from playwright.sync_api import expect, sync_playwright

from accord.tickets.models import Request

from .conftest import PASSWORD
from .shots import shoot
from .test_browser import CHROMIUM_ARGS, chromium

__all__ = ["chromium"]


def test_an_agent_opens_a_request_for_last_nights_voicemail(
    chromium: str,
    live_server: object,
    transactional_db: None,
    desk: Desk,
    manager: User,
    clock: FrozenClock,
) -> None:
    base = str(live_server)
    left = (clock.at - timedelta(hours=2)).astimezone(NY).replace(second=0, microsecond=0)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(base + "/login/")
            page.fill("#id_username", "mia")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.click("#nav-new-request")
            expect(page.locator("h1")).to_have_text("New request")
            page.fill("#who", "(212) 555-0100")
            page.click("#find-contact button[type=submit]")
            row = page.locator(f'#matches tr[data-contact="{desk.sam.pk}"]')
            expect(row).to_contain_text("Gatehouse HOA")
            shoot(page, "new-request-find")
            row.locator("a.choose").click()

            expect(page.locator("#caller")).to_contain_text("Sam")
            expect(page.locator("#level")).to_contain_text("Problem with a catastrophic impact")
            page.check("input[name=channel][value=voicemail]")
            page.fill("#id_received", left.strftime("%Y-%m-%dT%H:%M"))
            page.check("#level-sev1")
            page.fill("#id_subject", "Gate controller down")
            page.fill("#id_description", "Voicemail: no gate opens since 20:00.")
            shoot(page, "new-request-form")
            page.click("#open-request")

            expect(page).to_have_url(re.compile(r"/requests/SR-\d+/$"))
            expect(page.locator("#request-panel .given")).to_contain_text("as given by mia")
            opened_at = page.url

            # Bad input: a time more than a day back is refused next to the field.
            page.goto(f"{base}/requests/new/?contact={desk.sam.pk}")
            old = (clock.at - timedelta(hours=30)).astimezone(NY)
            page.fill("#id_received", old.strftime("%Y-%m-%dT%H:%M"))
            page.check("#level-sev2")
            page.fill("#id_subject", "Too old")
            page.fill("#id_description", "x")
            page.click("#open-request")
            expect(page.locator('p.error[data-field="received"]')).to_contain_text("24 hours")
            shoot(page, "new-request-refused")
        finally:
            browser.close()
    # The database is read outside playwright's event loop (Django refuses it inside).
    request = Request.objects.get()
    assert opened_at.endswith(f"/requests/{request.display_number}/")
    assert request.channel == "voicemail" and request.notice == left
    assert request.level == "sev1" and request.contact == desk.sam
