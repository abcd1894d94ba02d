"""A real browser (Debian's chromium through playwright) against the live app.

Chromium comes from `scripts/browser-test-deps` (apt-get), never from
`playwright install`. When it cannot be installed the test FAILS with the
script's output: a browser test that silently skips proves nothing.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from desk.personas import Desk
from django.contrib.auth.models import User
from playwright.sync_api import expect, sync_playwright

from .conftest import PASSWORD, OpenRequest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "browser-test-deps"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium() -> str:
    """The path of Debian's chromium, installing it with the script when missing."""
    found = shutil.which("chromium")
    if found:
        return found
    run = subprocess.run([str(SCRIPT)], capture_output=True, text=True, timeout=900)
    found = shutil.which("chromium")
    if not found:
        pytest.fail(
            f"chromium is not installed and {SCRIPT} could not install it "
            f"(exit {run.returncode}):\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}",
            pytrace=False,
        )
    return found


def test_it_answers_a_request_in_a_real_browser(
    chromium: str,
    live_server: object,
    transactional_db: None,
    desk: Desk,
    manager: User,
    open_req: OpenRequest,
) -> None:
    req = open_req()
    base = str(live_server)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(timezone_id="Europe/London")
            page.goto(base + "/")
            expect(page).to_have_url(f"{base}/login/?next=/")
            page.fill("#id_username", "mia")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")

            row = page.locator(f'tr[data-number="{req.display_number}"]')
            expect(row).to_contain_text("Payments page is down")
            expect(row).to_contain_text("Mon 23 Nov 09:30 NZDT")
            expect(row).to_contain_text("Sun 22 Nov 20:30 GMT yours")  # the browser's zone
            row.locator("a").click()

            expect(page).to_have_url(f"{base}/requests/{req.display_number}/")
            first = page.locator('#request-panel .target[data-kind="first_response"] .badge')
            expect(first).to_have_attribute("data-state", "running")

            page.fill("#id_reply-body", "   ")  # blank after trimming: refused, shown inline
            page.click("#action-reply button[type=submit]")
            expect(page.locator('#action-reply .error[data-field="body"]')).to_contain_text(
                "body: This field is required."
            )
            expect(first).to_have_attribute("data-state", "running")

            page.fill("#id_reply-body", "We are looking at it now.")
            page.click("#action-reply button[type=submit]")
            expect(first).to_have_attribute("data-state", "met")
            expect(page.locator("#request-panel .done")).to_contain_text("Public reply: done.")
            expect(page.locator("#request-panel .conversation")).to_contain_text(
                "We are looking at it now."
            )
            # htmx swapped the panel in place: no navigation happened
            expect(page).to_have_url(f"{base}/requests/{req.display_number}/")
        finally:
            browser.close()
    assert req.events.filter(kind="agent_reply", actor="user:mia").count() == 1
