"""Brute force against the staff login: 5 failures lock the account and the source."""

from __future__ import annotations

import re
from datetime import timedelta

from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from .conftest import PASSWORD


def _login(client: Client, username: str, password: str, ip: str = "203.0.113.7"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def _until(html: str) -> str:
    found = re.search(r'<time datetime="([^"]+)">(\d\d:\d\d) UTC</time>', html)
    assert found, html
    return found.group(1)


def test_it_locks_the_account_after_five_failures_and_shows_when_it_ends(ana: User) -> None:
    client = Client()
    for _ in range(4):
        answer = _login(client, "ana", "wrong password")
        assert answer.status_code == 200
        assert "Please enter a correct username and password" in answer.content.decode()
    fifth = _login(client, "ana", "wrong password")
    assert fifth.status_code == 429
    last = AccessAttempt.objects.get(username="ana").attempt_time
    assert _until(fifth.content.decode()) == (last + timedelta(minutes=15)).isoformat()
    assert 14 * 60 < int(fifth["Retry-After"]) <= 15 * 60

    # Now even the right password is refused, from this source and from another.
    again = _login(client, "ana", PASSWORD)
    assert again.status_code == 429
    assert "Too many failed logins" in again.content.decode()
    elsewhere = _login(Client(), "ana", PASSWORD, ip="198.51.100.9")
    assert elsewhere.status_code == 429
    assert "_auth_user_id" not in client.session


def test_it_locks_the_source_for_every_account(ana: User, ben: User) -> None:
    client = Client()
    for name in ["carla", "dan", "eve", "fay", "gus"]:  # a spray over guessed names
        _login(client, name, "Winter2026!")
    refused = _login(client, "ben", PASSWORD)
    assert refused.status_code == 429
    # The same account from another source is not locked: only the source is.
    other = Client()
    assert _login(other, "ben", PASSWORD, ip="198.51.100.9").status_code == 302
    assert other.session["_auth_user_id"] == str(ben.pk)


def test_it_lets_the_account_in_again_once_the_lock_has_ended(ana: User) -> None:
    client = Client()
    for _ in range(5):
        _login(client, "ana", "wrong password")
    assert _login(client, "ana", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=15, seconds=1))
    answer = _login(client, "ana", PASSWORD)
    assert answer.status_code == 302 and answer["Location"] == "/"
    assert not AccessAttempt.objects.filter(username="ana").exists()  # reset on success


def test_it_counts_failures_behind_a_proxy_by_the_forwarded_client(ana: User, settings) -> None:
    settings.ACCORD_PROXY_COUNT = 1
    client = Client()
    for _ in range(5):
        client.post(
            "/login/",
            {"username": "nobody", "password": "x"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="203.0.113.50",
        )
    # Another client behind the same proxy still gets in: the proxy is not the source.
    answer = Client().post(
        "/login/",
        {"username": "ana", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.51",
    )
    assert answer.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.50"}


def test_it_locks_the_admin_login_too(ana: User) -> None:
    client = Client()
    for _ in range(5):
        client.post("/admin/login/", {"username": "ana", "password": "nope"}, REMOTE_ADDR="::1")
    answer = client.post("/admin/login/", {"username": "ana", "password": PASSWORD})
    assert answer.status_code == 429
    assert "Too many failed logins" in answer.content.decode()
