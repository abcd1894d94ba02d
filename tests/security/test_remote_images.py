"""Remote images in customer mail load only after the agent clicks through a warning.

A real browser (Debian's chromium), a real image server on loopback that counts
its hits, and a real HTML mail through the intake pipeline. Until the click, the
server sees nothing and the page raises no CSP violation; after it, the image
loads on that one page, with no Referer.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.contrib.auth.models import User
from intake.support import CAPELLA, deliver, mail_desk, mail_settings
from playwright.sync_api import expect
from web.shots import shoot
from web.test_browser import chromium

from .browser import logged_in

__all__ = ["chromium", "mail_desk", "mail_settings"]

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


class Pixels(ThreadingHTTPServer):
    hits: list[tuple[str, str | None]]


class Handler(BaseHTTPRequestHandler):
    server: Pixels

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.server.hits.append((self.path, self.headers.get("Referer")))
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(PNG)))
        self.end_headers()
        self.wfile.write(PNG)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def pixels() -> Iterator[Pixels]:
    server = Pixels(("127.0.0.1", 0), Handler)
    server.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def html_mail(src: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Mere <mere@kiwi.example>"
    msg["To"] = CAPELLA
    msg["Subject"] = "Screenshot of the error"
    msg["Message-ID"] = "<pixel@kiwi.example>"
    msg.set_content("The error is in the image.")
    msg.add_alternative(
        f'<p>The error is in the image:</p><p><img src="{src}" alt="error dialog" width="40" '
        f'height="40"></p><p>Mere</p>',
        subtype="html",
    )
    return msg.as_bytes()


def test_remote_images_wait_for_the_agents_click(
    chromium: str, live_server: object, mail_desk: Any, ana: User, pixels: Pixels
) -> None:
    port = pixels.server_address[1]
    request = deliver(html_mail(f"http://127.0.0.1:{port}/track.png?r=42")).raw.request
    assert request is not None
    base = str(live_server)
    violations: list[str] = []
    with logged_in(chromium, base) as page:
        page.on(
            "console",
            lambda m: (
                violations.append(f"{page.url}: {m.text[:120]}")
                if "Content Security Policy" in m.text
                else None
            ),
        )
        page.goto(f"{base}/requests/{request.display_number}/")
        notice = page.locator(".remote-images")
        expect(notice).to_contain_text("1 remote image blocked")
        expect(page.locator(".message .body img[alt='error dialog']")).to_have_count(1)
        assert page.locator(".message .body img").first.get_attribute("src") is None
        notice.locator("a").click()
        expect(page.locator("[role=alert]")).to_contain_text("tracking pixel")
        expect(page.locator("#remote-images")).to_contain_text("127.0.0.1")
        shoot(page, "message-images")
        page.wait_for_timeout(300)
        assert pixels.hits == []
        assert violations == []

        page.click("text=Show the images of this message")
        image = page.locator("#message-body img")
        expect(image).to_have_attribute("referrerpolicy", "no-referrer")
        page.wait_for_function("() => document.querySelector('#message-body img').naturalWidth > 0")
        assert pixels.hits == [("/track.png?r=42", None)]
        assert violations == []
        page.goto(f"{base}/requests/{request.display_number}/")
        expect(page.locator(".remote-images")).to_be_visible()
        page.wait_for_timeout(300)
        assert len(pixels.hits) == 1  # the request page still blocks them
