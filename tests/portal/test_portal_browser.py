"""The portal in a real browser (Debian's chromium through playwright) on loopback.

One browser for the module; each person gets their own context (cookies). Mail
goes to a real SMTP server (aiosmtpd) and the links in it are followed as a
customer would. With ACCORD_SCREENSHOTS=DIR the pages are also photographed at
1400 and 390 px wide (docs/portal.md shows them).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from desk.personas import Desk, build_desk
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect, sync_playwright
from web.test_browser import CHROMIUM_ARGS, chromium  # noqa: F401  (the shared fixture)

from accord.accounts import services as accounts_services
from accord.notify.transport import default_transport
from accord.portal.models import PortalAccount
from accord.tickets import intake
from accord.tickets.models import Attachment, Request
from accord.worker.tasks import send_outbox

from .conftest import PASSWORD, last_link, received, text_of

STAFF_PASSWORD = "correct horse battery staple"
SHOTS = os.environ.get("ACCORD_SCREENSHOTS", "")


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Browser]:  # noqa: F811
    # Playwright's sync API keeps an event loop on this thread for the module; the
    # test's own database calls are plain synchronous code and may run beside it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "1"
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            try:
                yield b
            finally:
                b.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def shoot(page: Page, name: str) -> None:
    """Both widths of the page as it is now, when ACCORD_SCREENSHOTS is set."""
    if not SHOTS:
        return
    for width in (1400, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(Path(SHOTS) / f"portal-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 900})


@pytest.fixture
def world(
    transactional_db: None, live_server: Any, settings: Any, smtp: Any
) -> tuple[Desk, str, Any]:
    # The server clock throughout: django-axes keeps its own time.
    settings.ACCORD_PUBLIC_URL = str(live_server.url)
    desk = build_desk(timezone.now())
    accounts_services.create_user("mia", role="manager", password=STAFF_PASSWORD)
    return desk, str(live_server.url), smtp


UNLABELLED = """() => Array.from(document.querySelectorAll("input, select, textarea"))
    .filter(el => el.type !== "hidden" && el.type !== "submit" && el.labels.length === 0)
    .map(el => el.name || el.id)"""


def assert_labelled(page: Page) -> None:
    """Every visible field has a <label> (screen readers announce it)."""
    assert page.evaluate(UNLABELLED) == [], page.url


def sign_in(page: Page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(base + "/portal/login/")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button[type=submit]")


def test_invite_sign_in_submit_and_follow_a_request(browser: Browser, world: Any) -> None:
    desk, base, smtp = world
    earlier = intake.open_request(
        desk.lead, contact=desk.mere.pk, channel="email", level="high",
        subject="Reports are slow", description="Since Monday.",
    )  # fmt: skip
    agent = browser.new_page()
    agent.goto(base + "/login/")
    agent.fill("#id_username", "mia")
    agent.fill("#id_password", STAFF_PASSWORD)
    agent.click("button[type=submit]")
    agent.goto(f"{base}/requests/{earlier.display_number}/")
    agent.click("#invite-to-portal")
    expect(agent.locator(".flash")).to_contain_text(
        "Invitation to the portal mailed to mere@kiwi.example"
    )

    link = last_link(smtp, "mere@kiwi.example")
    assert link.startswith(base + "/portal/set-password/")
    me = browser.new_context().new_page()
    me.goto(link)
    shoot(me, "set-password")
    me.fill("#password1", "kiwi12345")
    me.fill("#password2", "kiwi12345")
    me.click("main button[type=submit]")
    expect(me.locator("#password-error")).to_contain_text("too short")
    me.fill("#password1", PASSWORD)
    me.fill("#password2", PASSWORD)
    me.click("main button[type=submit]")
    expect(me.locator(".ok")).to_contain_text("Your password is set")
    shoot(me, "login")
    assert_labelled(me)
    me.fill("#email", "mere@kiwi.example")
    me.fill("#password", PASSWORD)
    me.click("main button[type=submit]")
    expect(me.locator(f'tr[data-number="{earlier.display_number}"]')).to_contain_text(
        "Reports are slow"
    )
    expect(me.locator(".hours")).to_contain_text("+64 4 382 8096")
    shoot(me, "list")

    me.click("text=New request")
    expect(me.locator("fieldset").first).to_contain_text("Critical failure of product")
    me.fill("#subject", "Payments page is down")
    me.check("#level-urgent")
    me.fill("#description", "Customers cannot pay.")
    me.set_input_files(
        "#attachments",
        files=[{"name": "error.txt", "mimeType": "text/plain", "buffer": b"HTTP 500"}],
    )
    shoot(me, "new")
    assert_labelled(me)
    me.click("#submit")
    expect(me.locator("#submitted")).to_contain_text("your request is logged")
    req = Request.objects.get(subject="Payments page is down")
    expect(me.locator("#number")).to_have_text(req.display_number)
    assert req.channel == "portal" and req.scope == "in_scope"
    expect(me.locator("#explained")).to_contain_text("clause 5.6")
    shoot(me, "request")
    assert_labelled(me)

    assert send_outbox(default_transport()) >= 1  # the worker's step: the acknowledgement
    ack = [m for m in received(smtp) if m["Subject"].startswith(f"[{req.display_number}] Received")]
    assert len(ack) == 1 and ack[0]["To"] == "mere@kiwi.example"
    assert f"{base}/portal/requests/{req.display_number}/" in text_of(ack[0])

    agent.goto(f"{base}/requests/{req.display_number}/")
    agent.fill("#id_reply-body", "We are on it: the gateway was restarted.")
    agent.click("#action-reply button[type=submit]")
    expect(agent.locator("#request-panel .conversation")).to_contain_text("gateway was restarted")

    me.reload()
    expect(me.locator(".conversation")).to_contain_text("gateway was restarted")
    expect(me.locator("#explained")).to_contain_text("We replied on")
    me.fill("#body", "Thanks, it works again.")
    me.set_input_files(
        "#reply input[type=file]",
        files=[{"name": "ok.png", "mimeType": "image/png", "buffer": b"\x89PNG"}],
    )
    me.click("#reply button[type=submit]")
    expect(me.locator("#latest")).to_contain_text("Thanks, it works again.")
    expect(me.locator("#latest .files")).to_contain_text("ok.png")
    me.click("#solved")
    expect(me.locator("#status")).to_have_text("Solved")
    expect(me.locator("#reopen")).to_be_visible()

    me.click("text=Calendar")
    feed_url = me.locator("#feed").input_value()
    shoot(me, "calendar")
    assert me.request.get(feed_url).ok

    # another organisation: the request, its attachment and the feed are out of reach
    olga = browser.new_context().new_page()
    account = PortalAccount.objects.get(contact=desk.mere)
    from .conftest import activate

    activate(desk, desk.olga)
    sign_in(olga, base, "olga@other.example")
    expect(olga.locator("h1")).to_contain_text("requests")
    assert olga.goto(f"{base}/portal/requests/{req.display_number}/").status == 404  # type: ignore[union-attr]
    att = Attachment.objects.filter(message__request=req).first()
    assert att is not None
    assert olga.request.get(f"{base}/portal/attachments/{att.pk}/").status == 404
    assert me.request.get(f"{base}/portal/attachments/{att.pk}/").status == 200
    assert olga.request.get(f"{base}/portal/calendar/{account.feed_key[:-1]}x.ics").status == 404
    own = PortalAccount.objects.get(contact=desk.olga).feed_key
    assert "Payments page" not in olga.request.get(f"{base}/portal/calendar/{own}.ics").text()
    assert olga.goto(f"{base}/requests/{req.display_number}/").status == 403  # type: ignore[union-attr]


def test_deflection_charge_lockout_and_reset(browser: Browser, world: Any) -> None:
    desk, base, smtp = world
    from .conftest import activate

    activate(desk, desk.mere)
    me = browser.new_context().new_page()
    sign_in(me, base, "mere@kiwi.example")
    me.goto(base + "/portal/new/")
    me.fill("#subject", "Forgot my password")
    me.check("#level-low")
    me.fill("#description", "I cannot log in.")
    me.select_option("#request_type", "password_reset")
    expect(me.locator("#type-guidance")).to_contain_text("Forgot your password?")
    me.click("#submit")
    expect(me.locator("#deflect")).to_contain_text(
        "Password reset is not covered by support (clause 2.4.1)"
    )
    shoot(me, "deflect")
    assert not Request.objects.exists()
    me.click("#submit-anyway")
    expect(me.locator("#explained")).to_contain_text("Forgot your password?")
    req = Request.objects.get()
    assert (req.scope, req.request_type) == ("excluded", "password_reset")

    # a CapSure guard accepts the per-incident charge in the form
    activate(desk, desk.gil)
    gil = browser.new_context().new_page()
    sign_in(gil, base, "gil@gate.example")
    expect(gil.locator(".hours")).to_contain_text("866-416-4800")
    gil.goto(base + "/portal/new/")
    expect(gil.locator(".charge")).to_contain_text("USD 120.00 per hour")
    gil.fill("#subject", "Gate reader offline")
    gil.check("#level-sev3")
    gil.fill("#description", "The north gate reader shows no light.")
    gil.check("#accept_charge")
    shoot(gil, "new-capsure")
    assert_labelled(gil)
    gil.click("#submit")
    expect(gil.locator("#explained")).to_contain_text("We will reply by")
    gate = Request.objects.get(contact=desk.gil)
    assert gate.scope == "in_scope" and gate.per_incident_agreement.accepted_by == "Gil (portal)"

    # five wrong passwords lock the account for 15 minutes, and the page says until when
    activate(desk, desk.sam)
    thief = browser.new_context().new_page()
    for _ in range(5):
        sign_in(thief, base, "sam@gate.example", "not-the-password")
    expect(thief.locator("#locked")).to_contain_text(
        re.compile(r"locked for 15 minutes, until \w{3} \d+ \w{3} \d\d:\d\d UTC")
    )
    shoot(thief, "locked")
    sign_in(thief, base, "sam@gate.example")
    expect(thief.locator("#locked")).to_be_visible()

    # reset by mail: the link works once
    activate(desk, desk.olga, password="an old password 1")
    olga = browser.new_context().new_page()
    olga.goto(base + "/portal/login/")
    olga.click("text=Forgot your password?")
    olga.fill("#email", "olga@other.example")
    olga.click("main button[type=submit]")
    expect(olga.locator("#sent")).to_contain_text("olga@other.example")
    shoot(olga, "forgot")
    link = last_link(smtp, "olga@other.example")
    olga.goto(link)
    olga.fill("#password1", "a brand new secret 7")
    olga.fill("#password2", "a brand new secret 7")
    olga.click("main button[type=submit]")
    sign_in(olga, base, "olga@other.example", "a brand new secret 7")
    expect(olga.locator("h1")).to_contain_text("requests")
    olga.goto(link)
    expect(olga.locator("#expired")).to_be_visible()
