"""The agent's day in a real browser: search from the top bar (more below as it lands).

Uses the same Debian chromium as test_browser.py (its `chromium` fixture).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest
from desk.conftest import FrozenClock
from desk.personas import Desk
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect, sync_playwright

from .conftest import PASSWORD, OpenRequest
from .test_browser import CHROMIUM_ARGS, chromium  # noqa: F401  (the fixture)

Browse = Callable[[], AbstractContextManager[Page]]


@pytest.fixture
def browse(
    chromium: str,  # noqa: F811
    live_server: object,
    transactional_db: None,
    manager: User,
) -> Browse:
    """Open a browser logged in as the manager `mia`, once the test's data exists.

    Playwright's sync API runs an event loop in this thread, where Django
    refuses database calls: tests make their data first, then browse.
    """

    @contextmanager
    def opened() -> Iterator[Page]:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(timezone_id="Pacific/Auckland", base_url=str(live_server))
                page.goto("/login/")
                page.fill("#id_username", "mia")
                page.fill("#id_password", PASSWORD)
                page.click("button[type=submit]")
                expect(page.locator(".topbar .who")).to_contain_text("mia")
                yield page
            finally:
                browser.close()

    return opened


def test_it_searches_from_the_top_bar(browse: Browse, desk: Desk, open_req: OpenRequest) -> None:
    open_req(subject="Payments page is down")
    vpn = open_req(subject="VPN drops", description="The tunnel resets every hour.")
    with browse() as page:
        _search_and_open(page, vpn.display_number)


def _search_and_open(page: Page, number: str) -> None:
    box = page.get_by_role("searchbox", name="Search requests").first
    box.fill("tunnel")
    box.press("Enter")
    hit = page.locator(f'li.hit[data-number="{number}"]')
    expect(hit).to_contain_text("VPN drops")
    # PostgreSQL's headline may mark the word in the description and in the first message.
    expect(hit.locator("mark").first).to_have_text("tunnel")
    expect(page.locator("li.hit")).to_have_count(1)
    hit.locator("a").click()
    expect(page).to_have_url(f"/requests/{number}/")


def test_it_applies_a_macro_from_the_request_page(
    browse: Browse, desk: Desk, clock: FrozenClock, open_req: OpenRequest, manager: User
) -> None:
    from accord.accounts.actor import staff
    from accord.tickets import macros

    macros.create_macro(
        staff(manager), name="Need logs", shared=True, set_status="waiting_on_customer",
        body="Kia ora {contact_name}, please send the logs for {number}.", now=clock.at,
    )  # fmt: skip
    req = open_req()
    with browse() as page:
        page.goto(f"/requests/{req.display_number}/")
        page.locator("#action-macro summary").click()
        page.select_option("#macro-choice", label="Need logs (shared)")
        text = page.locator("#macro-text")
        expect(text).to_have_value(f"Kia ora Mere, please send the logs for {req.display_number}.")
        expect(page.locator("#macro-body .macro-actions")).to_contain_text("Waiting on customer")
        text.fill(text.input_value() + " Thanks!")
        page.click("#action-macro button[type=submit]")
        expect(page.locator("#request-panel .done")).to_contain_text("Macro: done.")
        expect(page.locator("#request-panel .status")).to_have_text("Waiting on customer")
        expect(page.locator("#request-panel .conversation")).to_contain_text("logs for")
        expect(page).to_have_url(f"/requests/{req.display_number}/")


def test_it_saves_a_view_pages_and_moves_by_keyboard(
    browse: Browse, desk: Desk, clock: FrozenClock, open_req: OpenRequest
) -> None:
    from accord.web.queue import PAGE_SIZE

    urgent = [open_req(subject=f"Urgent {i}") for i in range(PAGE_SIZE + 3)]
    open_req(level="low", subject="Low one")
    with browse() as page:
        page.goto("/")
        page.select_option("#filters select[name=level]", value="urgent")
        expect(page).to_have_url(re.compile(r"level=urgent"))
        expect(page.locator("#queue-rows")).not_to_contain_text("Low one")
        page.fill("#view-name", "Urgent")
        page.click("#save-view button[type=submit]")
        view = page.locator("aside.views li[data-view].current")
        expect(view).to_contain_text("Urgent")
        expect(view.locator(".count")).to_have_text(str(len(urgent)))
        # Paging: the first page is full, the next holds the rest.
        expect(page.locator("table.queue tr[data-number]")).to_have_count(PAGE_SIZE)
        page.click("a.next-page")
        expect(page.locator("table.queue tr[data-number]")).to_have_count(3)
        # Keyboard: j selects the first row, j the second, Enter opens it, r replies.
        page.locator("body").press("j")
        page.locator("body").press("j")
        second = page.locator("table.queue tr.selected").get_attribute("data-number")
        page.keyboard.press("Enter")
        expect(page).to_have_url(f"/requests/{second}/")
        page.keyboard.press("r")
        expect(page.locator("#id_reply-body")).to_be_focused()
