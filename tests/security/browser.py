"""A desk page in Debian's chromium, logged in as one of the security suite's users."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from playwright.sync_api import sync_playwright
from web.test_browser import CHROMIUM_ARGS

from .conftest import PASSWORD


@contextmanager
def logged_in(chromium: str, base: str, username: str = "ana") -> Iterator[Any]:
    """A 1400 px page past the login form; the browser closes on leaving."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_default_timeout(30_000)
            page.goto(base + "/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(base + "/")
            yield page
        finally:
            browser.close()
