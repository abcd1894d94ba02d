"""In chromium: a staff member turns two-step login on and logs in with a code.

Screenshots (ACCORD_SCREENSHOTS=1) of the set-up page, the page once it is on and
the login's code step go to docs/screenshots/. Any Content-Security-Policy message
in the console fails the test (the QR code is an inline data: image, allowed).
"""

from __future__ import annotations

from django.contrib.auth.models import User
from playwright.sync_api import expect, sync_playwright
from web.shots import shoot
from web.test_browser import CHROMIUM_ARGS, chromium

from accord.accounts import totp

from .conftest import PASSWORD
from .test_totp import code_for

__all__ = ["chromium"]


def test_a_staff_member_turns_totp_on_and_logs_in_with_a_code(
    chromium: str, live_server: object, transactional_db: None, ben: User
) -> None:
    base = str(live_server)
    violations: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_default_timeout(30_000)
            page.on(
                "console",
                lambda m: (
                    violations.append(f"{page.url}: {m.text[:90]}")
                    if "Content Security Policy" in m.text
                    else None
                ),
            )
            page.goto(base + "/login/")
            page.fill("#id_username", "ben")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            expect(page).to_have_url(base + "/")
            page.click(".who >> text=ben")
            page.click("text=Two-step login (authenticator app codes)")
            expect(page.locator("#totp [role=status]")).to_contain_text("Off.")
            page.click("text=Set up two-step login")
            secret = page.locator("#totp-secret").inner_text()
            qr = page.locator("img.totp-qr")
            expect(qr).to_be_visible()
            assert qr.evaluate("img => img.naturalWidth") > 100  # the SVG really rendered
            shoot(page, "totp-setup")
            page.fill("#id_code", "000000" if code_for(secret) != "000000" else "111111")
            page.click("text=Confirm and turn on")
            expect(page.locator('[data-field="code"]')).to_contain_text("not right")
            expect(page.locator("#totp-secret")).to_have_text(secret)  # still waiting
            page.wait_for_timeout(1100)  # django-otp's delay after a wrong code
            page.fill("#id_code", code_for(secret))
            page.click("text=Confirm and turn on")
            expect(page.locator("#totp [role=status]")).to_contain_text("On.")
            shoot(page, "totp-on")

            page.click("text=Log out")
            page.fill("#id_username", "ben")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            expect(page).to_have_url(base + "/login/code/")
            expect(page.locator("h1")).to_have_text("Two-step login")
            shoot(page, "login-code")
            page.goto(base + "/")
            expect(page).to_have_url(base + "/login/?next=/")
            page.fill("#id_username", "ben")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.fill("#id_code", code_for(secret, step=1))
            page.click("button[type=submit]")
            expect(page).to_have_url(base + "/")
            expect(page.locator(".who")).to_contain_text("ben")
        finally:
            browser.close()
    assert violations == []
    assert totp.device(ben) is not None
