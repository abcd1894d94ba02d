"""Triage in a real browser (chromium via playwright): suggested exclusions, split."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from desk.personas import Desk
from django.contrib.auth.models import User
from playwright.sync_api import expect, sync_playwright

from accord.tickets import intake
from accord.tickets.models import Request

from .shots import shoot
from .test_browser import CHROMIUM_ARGS, chromium
from .test_lifecycle_browser import _login

__all__ = ["chromium"]


@contextmanager
def _desk(chromium: str, base: str) -> Iterator[Any]:
    """A page in Debian's chromium, signed in as the manager mia."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            _login(page, base)
            yield page
        finally:
            browser.close()


def _open(desk: Desk, subject: str, description: str, level: str = "high") -> Request:
    return intake.open_request(
        desk.lead,
        contact=desk.mere.pk,
        channel="email",
        level=level,
        subject=subject,
        description=description,
    )


def test_an_agent_reviews_and_confirms_a_suggested_exclusion(
    chromium: str, live_server: object, transactional_db: None, desk: Desk, manager: User
) -> None:
    reset = _open(desk, "Can't log in", "Hello, I've forgotten my password and can't get in.")
    _open(desk, "New label printer", "Can you help us set up our new label printer?", "low")
    _open(desk, "Reports crash", "The monthly report crashes since the update.")
    base = str(live_server)
    with _desk(chromium, base) as page:
        page.click("nav >> text=Triage")
        rows = page.locator("#suggested tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.first).to_contain_text("2.4.1 Password reset")
        shoot(page, "triage-exclusions")
        rows.first.locator("a").click()
        box = page.locator("#suggested-exclusion")
        expect(box).to_contain_text("Suggested exclusion: Password reset")
        expect(box.locator("pre.preview")).to_contain_text("Assistance with password resets")
        expect(page.locator(".targets")).to_contain_text("running")
        shoot(page, "request-suggestion")
        page.click("#action-confirm-exclusion button[type=submit]")
        expect(page.locator("p.done")).to_contain_text("Confirm the suggested exclusion")
        expect(page.locator("#suggested-exclusion")).to_have_count(0)
        expect(page.locator(".head")).to_contain_text("Excluded request type")
        expect(page.locator(".conversation")).to_contain_text("clause 2.4.1")
        page.click("nav >> text=Triage")
        expect(page.locator("#suggested tbody tr")).to_have_count(1)
    reset.refresh_from_db()  # after the browser: its event loop forbids the ORM
    assert (reset.scope, reset.scope_clause, reset.suggested_exclusion) == (
        "excluded",
        "2.4.1",
        "",
    )


def test_an_agent_splits_a_several_issue_request_from_the_desk(
    chromium: str, live_server: object, transactional_db: None, desk: Desk, manager: User
) -> None:
    several = _open(
        desk,
        "Three things",
        "1. I forgot my password.\n2. The invoice run crashes at 80%.\n3. Totals differ.",
        "medium",
    )
    base = str(live_server)
    with _desk(chromium, base) as page:
        page.goto(f"{base}/requests/{several.display_number}/")
        expect(page.locator('ul.flags li[data-code="several_issues"]')).to_contain_text(
            "issue 1 looks like 2.4.1"
        )
        page.click("#action-split summary")
        page.fill("#id_split-part1_subject", "Invoice run crashes")
        page.fill("#id_split-part1_description", "The invoice run crashes at 80%.")
        page.select_option("#id_split-part1_level", "urgent")
        page.fill("#id_split-part2_subject", "Password")
        page.fill("#id_split-part2_description", "I forgot my password.")
        shoot(page, "request-split")
        page.click("#action-split button[type=submit]")
        expect(page.locator("p.done")).to_contain_text("Split into several requests: done.")
        links = page.locator("#split-into a")
        expect(links).to_have_count(2)
        expect(page.locator('ul.flags li[data-code="several_issues"]')).to_have_count(0)
        links.first.click()
        expect(page.locator("#split-from")).to_have_text(several.display_number)
        head = page.locator(".head")
        expect(head).to_contain_text("Urgent")
        ack = page.locator(".conversation article.automated").last
        expect(ack).to_contain_text(f"Your request {several.display_number} raised several")
        expect(ack).to_contain_text("Target for first response: by")
        expect(ack).to_contain_text("Target for resolution: by")
        shoot(page, "request-split-part")
    parts = list(Request.objects.filter(split_from=several).order_by("number"))
    assert [(r.level, r.notice) for r in parts] == [
        ("urgent", several.notice),
        ("medium", several.notice),
    ]
    assert parts[1].suggested_exclusion == "password_reset"
