"""An admin sets up a customer from the desk's pages in a real browser.

Organisation, mail domain, contacts and an entitlement are created, refused with
the field named, edited and deactivated; the database and the audit trail are
checked afterwards. Screenshots at 1400 and 390 px with ACCORD_SCREENSHOTS=1.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from intake.support import mail_desk, mail_settings
from playwright.sync_api import expect
from web.shots import shoot
from web.test_browser import chromium

from accord.audit.models import AuditEntry
from accord.contracts import edits
from accord.contracts.models import Contact, EmailDomain, Entitlement, Organization

from .browser import logged_in

__all__ = ["chromium", "mail_desk", "mail_settings"]


def test_an_admin_sets_up_and_edits_a_customer(
    chromium: str, live_server: object, transactional_db: None, ana: User
) -> None:
    base = str(live_server)
    with logged_in(chromium, base) as page:
        page.click("text=Administration")
        page.click(".manage-nav >> text=Organisations")
        expect(page).to_have_url(base + "/manage/organizations/")

        page.fill("#id_name", "Kiwi Ltd")
        page.select_option("#id_policy", "capella")
        page.click("text=Add organisation")
        expect(page.locator("h1")).to_contain_text("Kiwi Ltd")
        page.click(".crumbs >> text=Organisations")
        page.fill("#id_name", "KIWI LTD")
        page.select_option("#id_policy", "capella")
        page.click("text=Add organisation")
        expect(page.locator('[data-field="name"]')).to_contain_text("already exists")
        page.click('tr[data-org="Kiwi Ltd"] >> text=Edit')

        page.fill("#add-domain #id_domain", "gmail.com")
        page.click("text=Add domain")
        expect(page.locator('#add-domain [data-field="domain"]')).to_contain_text(
            "public mail service"
        )
        page.fill("#add-domain #id_domain", "kiwi.example")
        page.click("text=Add domain")
        expect(page.locator('li[data-domain="kiwi.example"]')).to_be_visible()

        page.fill("#add-contact #id_name", "Mere")
        page.fill("#add-contact #id_email", "not-an-email")
        page.select_option("#add-contact #id_role", "administrator")
        page.click("text=Add contact")
        expect(page.locator('#add-contact [data-field="email"]')).to_contain_text(
            "'not-an-email' is not an email address"
        )
        page.fill("#add-contact #id_email", "mere@kiwi.example")
        page.click("text=Add contact")
        page.fill("#add-contact #id_name", "Tui")
        page.fill("#add-contact #id_email", "tui@kiwi.example")
        page.select_option("#add-contact #id_role", "user")
        page.click("text=Add contact")
        expect(page.locator('tr[data-contact="Tui"]')).to_contain_text("active")

        page.select_option("#add-entitlement #id_kind", "support_agreement")
        page.fill("#add-entitlement #id_starts", "2026-01-01")
        page.fill("#add-entitlement #id_ends", "2027-12-31")
        page.fill("#add-entitlement #id_note", "signed 2025-12-12")
        page.click("text=Add entitlement")
        expect(page.locator("#entitlements tbody tr")).to_have_count(1)
        page.locator('tr[data-contact="Tui"]').locator("text=Deactivate").click()
        expect(page.locator('tr[data-contact="Tui"] .state')).to_have_text("deactivated")
        shoot(page, "manage-organization")

        page.locator('tr[data-contact="Mere"]').locator("text=Edit").click()
        page.fill("#id_phone", "+64 4 555 0101")
        page.fill("#id_email", "mere@@kiwi")
        page.click("text=Save")
        expect(page.locator('[data-field="email"]')).to_contain_text("not an email address")
        shoot(page, "manage-contact")
        page.fill("#id_email", "mere@kiwi.example")
        page.click("text=Save")
        expect(page.locator('tr[data-contact="Mere"]')).to_contain_text("+64 4 555 0101")

        page.locator("#entitlements a", has_text="Edit").click()
        page.fill("#id_ends", "2025-06-30")
        page.click("text=Save")
        expect(page.locator('[data-field="ends"]')).to_contain_text("must not be before")
        shoot(page, "manage-entitlement")
        page.fill("#id_ends", "")
        page.click("text=Save")
        expect(page.locator("#entitlements tbody tr")).to_contain_text("open-ended")
        page.locator("#entitlements button", has_text="Withdraw").click()
        expect(page.locator("#entitlements .state")).to_have_text("withdrawn")

        page.click("#edit-organization >> text=Save")  # unchanged: nothing audited
        page.click("#organization-active >> text=Deactivate")
        expect(page.locator("h1 .badge")).to_contain_text("deactivated")
        page.click(".crumbs >> text=Organisations")
        expect(page.locator('tr[data-org="Kiwi Ltd"] .state')).to_contain_text("deactivated")
        shoot(page, "manage-organizations")
    org = Organization.objects.get()
    assert org.deactivated is not None and org.name == "Kiwi Ltd"
    assert list(EmailDomain.objects.values_list("domain", flat=True)) == ["kiwi.example"]
    tui, mere = Contact.objects.get(name="Tui"), Contact.objects.get(name="Mere")
    assert tui.deactivated is not None and mere.deactivated is None
    assert (mere.phone, mere.role) == ("+64 4 555 0101", "administrator")
    ent = Entitlement.objects.get()
    assert ent.ends is None and ent.deactivated is not None
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == [
        "user.create",
        "organization.create",
        "organization.domain_add",
        "contact.create",
        "contact.create",
        "entitlement.create",
        "contact.deactivate",
        "contact.edit",
        "entitlement.edit",
        "entitlement.deactivate",
        "organization.deactivate",
    ]


def test_an_admin_records_an_on_premises_installation_and_its_updates(
    chromium: str, live_server: object, transactional_db: None, ana: User
) -> None:
    from datetime import date, timedelta

    from django.utils import timezone

    from accord.accounts.actor import staff
    from accord.contracts import releases, services
    from accord.contracts.models import Installation, UpdateDelivery

    lead = staff(ana)
    org = services.create_organization(
        lead, name="Harbour Council", policy="capella", hosting="on_premises"
    )
    old = releases.add_release(lead, product="Capella", version="7.9", released_on=date(2026, 1, 5))
    new = releases.add_release(
        lead, product="Capella", version="7.10", released_on=date(2026, 3, 2)
    )
    today = timezone.now().date()
    base = str(live_server)
    with logged_in(chromium, base) as page:
        page.goto(f"{base}/organizations/{org.pk}/")
        page.click(".org-head >> text=Edit")
        expect(page).to_have_url(f"{base}/manage/organizations/{org.pk}/")

        page.select_option("#set-installation #id_release", label="Capella 7.9")
        page.fill("#set-installation #id_since", (today + timedelta(days=3)).isoformat())
        page.click("text=Set installation")
        expect(page.locator('#set-installation [data-field="since"]')).to_contain_text(
            "must not be in the future"
        )
        page.fill("#set-installation #id_since", "2026-02-01")
        page.click("text=Set installation")
        expect(page.locator('.installation[data-product="Capella"] h3')).to_have_text("Capella 7.9")

        page.select_option("#add-delivery #id_release", label="Capella 7.10")
        page.fill("#add-delivery #id_received_on", "2026-03-01")
        page.click("text=Record delivery")
        expect(page.locator('#add-delivery [data-field="received_on"]')).to_contain_text(
            "cannot arrive earlier"
        )
        page.fill("#add-delivery #id_received_on", "2026-03-03")
        page.click("text=Record delivery")
        row = page.locator('tr[data-delivery="7.10"]')
        expect(row.locator(".installed")).to_contain_text("not yet")
        shoot(page, "manage-organization-on-premises")
        row.locator("input[name=installed_on]").fill("2026-03-10")
        row.locator("text=Installed").click()
        expect(page.locator('tr[data-delivery="7.10"] .installed')).to_contain_text("2026-03-10")
        expect(page.locator('.installation[data-product="Capella"] h3')).to_have_text(
            "Capella 7.10"
        )
    inst = Installation.objects.get(organization=org)
    assert inst.release == new
    assert UpdateDelivery.objects.get().installed_on == date(2026, 3, 10)
    assert list(inst.history.values_list("release", flat=True)) == [old.pk, new.pk]


def test_an_agent_confirms_a_sender_matched_by_domain(
    chromium: str, live_server: object, ana: User, mail_desk: Any
) -> None:
    from intake.support import deliver, message

    from accord.intake.models import UnverifiedContact

    edits.add_domain(mail_desk.lead, mail_desk.kiwi.pk, "kiwi.example")
    request = deliver(
        message("Printing fails", sender="Tui <tui@kiwi.example>", message_id="t1@kiwi.example")
    ).raw.request
    assert request is not None
    base = str(live_server)
    with logged_in(chromium, base) as page:
        page.goto(f"{base}/requests/{request.display_number}/")
        expect(page.locator('.flags li[data-code="unverified_sender"]')).to_contain_text(
            "matched to Kiwi Ltd by its domain kiwi.example"
        )
        page.click("text=Tui")
        expect(page.locator("#confirm")).to_contain_text("a domain of Kiwi Ltd")
        shoot(page, "contact-unverified")
        page.click("text=Confirm as a contact of Kiwi Ltd")
        expect(page.locator("#confirm")).to_have_count(0)
        page.goto(f"{base}/requests/{request.display_number}/")
        expect(page.locator('.flags li[data-code="unverified_sender"]')).to_have_count(0)
    assert not UnverifiedContact.objects.exists()
