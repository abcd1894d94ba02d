"""Security headers on every kind of response the app gives."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from accord.accounts import services as accounts

PAGES = [
    ("login page", "/login/", None),
    ("queue", "/", "ana"),
    ("htmx fragment", "/queue/rows/", "ana"),
    ("report", "/report/", "ana"),
    ("missing request", "/requests/nope/", "ana"),
    ("django admin", "/admin/", "ana"),
    ("admin login", "/admin/login/", None),
    ("api json", "/api/v1/requests", "token"),
    ("api 401", "/api/v1/requests", None),
    ("openapi", "/api/v1/openapi.json", None),
    ("api docs", "/api/v1/docs", None),
    ("static file", "/static/web/desk.css", None),
    ("attachment 401", "/api/v1/attachments/1", None),
    ("not found", "/no/such/page", None),
    ("administration page", "/manage/organizations/", "ana"),
    ("imap sources page", "/manage/imap/", "ana"),
    ("password change", "/password/change/", "ana"),
    ("password reset", "/password/reset/", None),
    ("two-step login settings", "/password/two-step/", "ana"),
]


def _csp_directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


@pytest.mark.parametrize(("kind", "path", "who"), PAGES, ids=[p[0] for p in PAGES])
def test_it_sends_the_security_headers(kind: str, path: str, who: str | None, ana: User) -> None:
    client = Client()
    headers = {}
    if who == "ana":
        client.force_login(ana)
    elif who == "token":
        headers["Authorization"] = f"Bearer {accounts.create_token(user='ana')}"
    answer = client.get(path, headers=headers)
    assert answer.status_code < 500, (kind, answer.status_code)
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert answer["X-Frame-Options"] == "DENY"
    assert answer["Referrer-Policy"] == "same-origin"
    csp = _csp_directives(answer["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no inline script, no remote script
    assert csp["img-src"] == ["'self'", "data:"]  # no remote images
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert not any("unsafe" in word for words in csp.values() for word in words)


def test_the_lockout_page_has_them_too(ana: User) -> None:
    client = Client()
    for _ in range(5):
        client.post("/login/", {"username": "ana", "password": "wrong"})
    answer = client.post("/login/", {"username": "ana", "password": "wrong"})
    assert answer.status_code == 429
    assert "script-src 'self'" in answer["Content-Security-Policy"]
    assert answer["X-Frame-Options"] == "DENY"


def test_session_and_csrf_cookies_are_http_only_and_same_site(ana: User) -> None:
    from .conftest import PASSWORD

    client = Client()
    client.get("/login/")
    answer = client.post("/login/", {"username": "ana", "password": PASSWORD})
    session = answer.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"
    assert not session["secure"]  # plain HTTP unless ACCORD_HTTPS=1 (test_https.py)


def test_the_remote_images_page_widens_img_src_only_after_the_click(ana: User) -> None:
    """The one exception to the strict policy: one message's images, on a POST."""
    from desk.personas import build_desk
    from django.utils import timezone

    from accord.tickets.intake import open_request
    from accord.tickets.models import Message

    desk = build_desk(timezone.now())
    request = open_request(
        desk.lead, contact=desk.mere.pk, channel="email", level="low", subject="S",
        description="D",
    )  # fmt: skip
    message = Message.objects.filter(request=request).first()
    assert message is not None
    Message.objects.filter(pk=message.pk).update(
        body_html='<p>x</p><img src="https://tracker.example/p.png" alt="p">'
    )
    client = Client()
    client.force_login(ana)
    url = f"/requests/{request.display_number}/messages/{message.pk}/images/"
    warned = client.get(url)
    assert _csp_directives(warned["Content-Security-Policy"])["img-src"] == ["'self'", "data:"]
    assert b"tracker.example" in warned.content and b'src="https://tracker' not in warned.content
    shown = client.post(url)
    csp = _csp_directives(shown["Content-Security-Policy"])
    assert csp["img-src"] == ["'self'", "data:", "https:", "http:"]
    assert csp["script-src"] == ["'self'"] and shown["Referrer-Policy"] == "no-referrer"
    assert b'src="https://tracker.example/p.png"' in shown.content
