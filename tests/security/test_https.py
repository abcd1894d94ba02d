"""ACCORD_HTTPS=1: Secure cookies, HSTS, the proxy's scheme trusted, CSRF origins from hosts.

The settings are read once per process, so the first test loads them in a fresh
interpreter with the variables set; the second replays a login posted from the
browser through a TLS proxy on another host, with those settings applied.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from accord.config import trusted_origins

from .conftest import PASSWORD

NAMES = [
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_PROXY_SSL_HEADER",
    "CSRF_TRUSTED_ORIGINS",
]


def _settings(tmp_path: Path, **env: str) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n, None) for n in {NAMES!r}}}))"
    )
    environ = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environ.update(DJANGO_SETTINGS_MODULE="accord.settings", ACCORD_DATA_DIR=str(tmp_path), **env)
    run = subprocess.run(
        [sys.executable, "-c", code], env=environ, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_it_switches_on_everything_tls_needs(tmp_path: Path) -> None:
    on = _settings(tmp_path, ACCORD_HTTPS="1", ALLOWED_HOSTS="desk.example.com,.example.org")
    assert on["SESSION_COOKIE_SECURE"] is True and on["CSRF_COOKIE_SECURE"] is True
    assert on["SECURE_HSTS_SECONDS"] == 31536000
    assert on["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert on["CSRF_TRUSTED_ORIGINS"] == ["https://desk.example.com", "https://*.example.org"]
    off = _settings(tmp_path)
    assert off["SESSION_COOKIE_SECURE"] is False and off["SECURE_HSTS_SECONDS"] == 0
    assert off["SECURE_PROXY_SSL_HEADER"] is None


def test_a_login_through_a_tls_proxy_on_another_host_passes_csrf(
    ana: User, settings: pytest.FixtureRequest
) -> None:
    settings.ALLOWED_HOSTS = ["desk.example.com"]  # type: ignore[attr-defined]
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True  # type: ignore[attr-defined]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # type: ignore[attr-defined]
    settings.SECURE_HSTS_SECONDS = 31536000  # type: ignore[attr-defined]
    settings.CSRF_TRUSTED_ORIGINS = trusted_origins(["desk.example.com"])  # type: ignore[attr-defined]
    client = Client(enforce_csrf_checks=True)
    proxy = {
        "HTTP_HOST": "desk.example.com",
        "HTTP_X_FORWARDED_PROTO": "https",
        "REMOTE_ADDR": "10.1.2.3",  # nginx on another machine
    }
    form = client.get("/login/", **proxy)  # type: ignore[arg-type]
    assert form["Strict-Transport-Security"] == "max-age=31536000"
    token = form.cookies["csrftoken"]
    assert token["secure"]
    answer = client.post(
        "/login/",
        {"username": "ana", "password": PASSWORD, "csrfmiddlewaretoken": token.value},
        HTTP_ORIGIN="https://desk.example.com",
        HTTP_REFERER="https://desk.example.com/login/",
        **proxy,  # type: ignore[arg-type]
    )
    assert answer.status_code == 302, answer.content.decode()[:500]
    assert answer.cookies["sessionid"]["secure"]
    # A page from elsewhere cannot post the same form.
    forged = Client(enforce_csrf_checks=True)
    forged.get("/login/", **proxy)  # type: ignore[arg-type]
    refused = forged.post(
        "/login/",
        {"username": "ana", "password": PASSWORD, "csrfmiddlewaretoken": token.value},
        HTTP_ORIGIN="https://evil.example.net",
        **proxy,  # type: ignore[arg-type]
    )
    assert refused.status_code == 403
