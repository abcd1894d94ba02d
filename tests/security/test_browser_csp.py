"""In a real browser: the strict policy breaks no page, and the API docs work offline.

Every request that leaves the live server is aborted and recorded, so a page that
needs a CDN fails here; every console message about the Content-Security-Policy
is collected, so a page that needs inline script or styles fails too.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from playwright.sync_api import expect, sync_playwright
from web.test_browser import CHROMIUM_ARGS, chromium

from .conftest import PASSWORD

__all__ = ["chromium"]


def test_pages_and_swagger_ui_run_under_the_policy_with_no_outside_request(
    chromium: str, live_server: object, transactional_db: None, ana: User
) -> None:
    base = str(live_server)
    outside: list[str] = []
    violations: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(30_000)  # 2 shared cores: Swagger UI's bundle is 1.5 MB

            def route(r):  # type: ignore[no-untyped-def]
                if r.request.url.startswith(base) or r.request.url.startswith("data:"):
                    return r.continue_()
                outside.append(r.request.url)
                return r.abort()

            page.route("**/*", route)
            page.on(
                "console",
                lambda m: (
                    violations.append(f"{page.url}: {m.text[:90]}")
                    if "Content Security Policy" in m.text
                    else None
                ),
            )
            page.goto(base + "/api/v1/docs")
            expect(page.locator(".swagger-ui .info .title")).to_contain_text(
                "Accord", timeout=30_000
            )
            expect(page.locator(".opblock").first).to_be_visible(timeout=30_000)

            page.goto(base + "/login/")
            page.fill("#id_username", "ana")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            expect(page).to_have_url(base + "/")
            page.goto(base + "/report/")
            page.select_option("select[name=days]", "90")  # submits without inline script
            expect(page).to_have_url(base + "/report/?days=90")
            for path in ["/admin/", "/admin/accounts/agent/"]:
                page.goto(base + path)
                expect(page.locator("body")).not_to_be_empty()
        finally:
            browser.close()
    assert outside == []
    assert violations == []
