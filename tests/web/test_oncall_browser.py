"""The on-call page, a page's acknowledgement link and the request page, in chromium.

The desk clock is frozen at Thursday 22:30 in New York: after CapSure's hours.
"""

from __future__ import annotations

from datetime import timedelta

from desk.personas import Desk
from django.contrib.auth.models import User
from playwright.sync_api import expect, sync_playwright

from accord.accounts import services as accounts
from accord.notify import paging
from accord.notify.models import Page
from accord.tickets import intake
from accord.tickets.sweep import record_due
from accord.worker.tasks import alert

from .conftest import PASSWORD
from .shots import shoot
from .test_browser import CHROMIUM_ARGS, chromium

__all__ = ["chromium"]


def _login(page, base: str) -> None:
    page.goto(base + "/login/")
    page.fill("#id_username", "mia")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def test_a_manager_adds_a_shift_and_the_agent_acknowledges_a_page(
    chromium: str, live_server: object, transactional_db: None, desk: Desk, manager: User, clock
) -> None:
    accounts.set_email("agent", "agent@desk.example")
    base = str(live_server)
    with sync_playwright() as p:  # no database calls from the test inside (an event loop runs)
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            _login(page, base)
            page.click("nav >> text=On call")
            expect(page.locator('#now tr[data-policy="capsure"]')).to_contain_text("nobody")
            form = page.locator("#add-shift")
            form.locator("#id_user").select_option("agent")
            form.locator("#id_starts").fill("2026-11-19 18:00")
            form.locator("#id_ends").fill("2026-11-19 17:00")
            form.locator("#id_policy").select_option("capsure")
            form.locator("button[type=submit]").click()
            expect(page.locator('#add-shift [data-field="ends"]')).to_contain_text("after starts")
            page.locator("#add-shift #id_ends").fill("2026-11-20 08:00")
            page.locator("#add-shift button[type=submit]").click()
            expect(page.locator('#now tr[data-policy="capsure"]')).to_contain_text("agent")
            expect(page.locator("#rota")).to_contain_text("Thu 19 Nov 18:00 EST")
        finally:
            browser.close()

    request = intake.open_request(
        desk.lead, contact=desk.sam.pk, channel="phone", level="sev1",
        subject="Gate controller down", description="Nothing opens.",
    )  # fmt: skip
    alert(clock.at)
    record_due(clock.at + timedelta(minutes=95))  # the warning (a 2-hour target)
    found = Page.objects.get(request=request)
    link = paging.ack_url(found, desk.agent.user).split("/pages/", 1)[1]

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            _login(page, base)
            page.goto(base + "/oncall/")
            expect(page.locator(f'#pages tr[data-page="{found.pk}"]')).to_contain_text(
                "Paged the person on call: agent"
            )
            shoot(page, "oncall")

            other = browser.new_page(viewport={"width": 1400, "height": 900})  # no login
            other.goto(f"{base}/pages/{link}")
            expect(other.locator("#acknowledge")).to_have_text("Acknowledge as agent")
            shoot(other, "page-ack")
            other.goto(f"{base}/pages/ack/forged-token/")
            expect(other.locator(".error")).to_contain_text("not a valid acknowledgement link")

            page.goto(f"{base}/requests/{request.display_number}/")
            status = page.locator(f"#page-{found.pk}")
            expect(status).to_contain_text("escalating")
            expect(page.locator("#sla-transitions")).to_contain_text("warning")
            shoot(page, "request-page-paged")
            status.locator("button[type=submit]").click()
            expect(page.locator(f"#page-{found.pk}")).to_contain_text("acknowledged")
        finally:
            browser.close()
    found.refresh_from_db()
    assert found.acknowledged_by == "mia" and found.next_at is None
