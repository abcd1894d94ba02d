"""Billing from the desk in a real browser (chromium via playwright): time, an expense whose
evidence is uploaded later, a capsure acceptance, a drafted and issued invoice."""

from __future__ import annotations

from desk.personas import Desk
from django.contrib.auth.models import User
from playwright.sync_api import expect, sync_playwright

from accord.contracts.models import PerIncidentAgreement
from accord.invoices.models import Invoice
from accord.tickets import intake, restructure

from .shots import shoot
from .test_browser import CHROMIUM_ARGS, chromium
from .test_lifecycle_browser import _login

__all__ = ["chromium"]


def _requests(desk: Desk):
    capella = intake.open_request(
        desk.lead,
        contact=desk.mere.pk,
        channel="email",
        level="high",
        subject="Reports broken",
        description="Broken after our script ran.",
    )
    restructure.override_scope(
        desk.lead,
        capella.number,
        decision="customer_caused",
        reason="their script",
        cause="customer_change",
    )
    guard = intake.open_request(
        desk.lead,
        contact=desk.gil.pk,
        channel="phone",
        level="sev3",
        subject="Gate tablet",
        description="Tablet rejects logins.",
    )
    return capella, guard


def test_a_vendor_bills_a_month_from_the_desk(
    chromium: str,
    live_server: object,
    transactional_db: None,
    desk: Desk,
    manager: User,
    tmp_path,
) -> None:
    capella, guard = _requests(desk)
    receipt = tmp_path / "taxi-receipt.pdf"
    receipt.write_bytes(b"%PDF-1.4\n% taxi receipt\n")
    base = str(live_server)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            _login(page, base)
            page.goto(f"{base}/requests/{capella.display_number}/")
            page.click("#billing-link")
            page.fill("#id_time-minutes", "90")
            page.fill("#id_time-note", "restored the schema")
            page.click('form[data-action="time"] button[type=submit]')
            row = page.locator("#time tbody tr").first
            expect(row).to_contain_text("NZD 120.00/h · 2.2")
            page.select_option("#id_expense-kind", "travel")
            page.fill("#id_expense-description", "Taxi to site")
            page.fill("#id_expense-amount", "88.40")
            page.fill("#id_expense-incurred_on", "2026-11-20")
            page.click('form[data-action="expense"] button[type=submit]')
            expense = page.locator("#expenses tbody tr").first
            expect(expense).to_contain_text("no written evidence attached (4.6)")
            # Bad input comes back next to the field, nothing stored.
            page.fill("#id_expense-amount", "-3")
            page.fill("#id_expense-description", "Parking")
            page.fill("#id_expense-incurred_on", "2026-11-20")
            page.click('form[data-action="expense"] button[type=submit]')
            expect(page.locator('#expenses .error[data-field="amount"]')).to_be_visible()
            # The receipt arrives later: attached to the recorded expense.
            expense = page.locator("#expenses tbody tr").first
            expense.locator("summary", has_text="Attach").click()
            expense.locator('input[type="file"]').set_input_files(str(receipt))
            expense.locator('form[data-action="evidence"] button[type=submit]').click()
            expense = page.locator("#expenses tbody tr").first
            expect(expense).to_contain_text("taxi-receipt.pdf")
            expect(expense.locator("td.why")).to_have_text("yes")
            shoot(page, "billing-request")

            page.goto(f"{base}/requests/{guard.display_number}/billing/")
            page.fill("#id_accept-accepted_by", "Gil (phone)")
            page.select_option("#id_accept-channel", "phone")
            page.click('form[data-action="accept"] button[type=submit]')
            expect(page.locator("#acceptance")).to_contain_text("Accepted by Gil (phone)")

            page.goto(f"{base}/organizations/{desk.kiwi.pk}/billing/")
            page.fill("#id_period_start", "2026-11-01")
            page.fill("#id_period_end", "2026-11-30")
            page.click("#draft button[type=submit]")
            expect(page.locator("#invoice-total")).to_have_text("NZD 268.40")
            page.click("#issue")
            expect(page.locator("#invoice-title")).to_have_text("Invoice 2026-0001")
            shoot(page, "billing-invoice")
            page.goto(f"{base}/organizations/{desk.kiwi.pk}/billing/")
            expect(page.locator("#invoices")).to_contain_text("2026-0001")
            shoot(page, "billing-organization")
        finally:
            browser.close()
    agreement = PerIncidentAgreement.objects.get(request=guard)
    assert (agreement.accepted_by, agreement.channel) == ("Gil (phone)", "phone")
    assert str(Invoice.objects.get(number="2026-0001").total) == "268.40"
