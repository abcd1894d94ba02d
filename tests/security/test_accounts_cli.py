"""`accord user list|set-role|set-password|set-email|deactivate|activate|unlock`, `accord token list|revoke`."""

from __future__ import annotations

import io

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client

from accord.accounts import services as accounts
from accord.accounts.models import ApiToken
from accord.audit.models import AuditEntry
from accord.cli import main

from .conftest import PASSWORD


def logs_in(name: str, password: str) -> bool:
    answer = Client().post("/login/", {"username": name, "password": password})
    return answer.status_code == 302


def run(capsys: pytest.CaptureFixture[str], *args: str, stdin: str = "") -> tuple[int, str, str]:
    import sys

    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        status = main(list(args))
    finally:
        sys.stdin = old
    out = capsys.readouterr()
    return status, out.out, out.err


def test_user_list_shows_role_team_state_and_email(ana: User, ben: User, capsys) -> None:
    assert run(capsys, "user", "set-email", "ben", "ben@desk.example")[0] == 0
    status, out, _ = run(capsys, "user", "list")
    assert status == 0
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "ROLE", "TEAM", "STATE", "LAST", "LOGIN", "EMAIL"]
    assert lines[1].split()[:4] == ["ana", "admin", "-", "active"]
    assert lines[2].split() == ["ben", "agent", "-", "active", "-", "ben@desk.example"]
    status, _, err = run(capsys, "user", "set-email", "ben", "not-an-email")
    assert (status, err) == (1, "accord: email: 'not-an-email' is not an email address\n")


def test_set_role_changes_the_role_and_admin_access(ben: User, capsys) -> None:
    assert run(capsys, "user", "set-role", "ben", "admin") == (0, "ben is now admin\n", "")
    ben.refresh_from_db()
    assert ben.agent.role == "admin" and ben.is_staff and ben.is_superuser
    assert run(capsys, "user", "set-role", "ben", "manager")[0] == 0
    ben.refresh_from_db()
    assert ben.agent.role == "manager" and not ben.is_staff
    assert AuditEntry.objects.filter(action="user.set_role").count() == 2
    status, _, err = run(capsys, "user", "set-role", "nobody", "agent")
    assert (status, err) == (1, "accord: user: no user 'nobody'\n")


def test_set_password_reads_stdin_and_the_new_password_logs_in(ben: User, capsys) -> None:
    new = "a much longer pass phrase"
    assert run(capsys, "user", "set-password", "ben", stdin=new + "\n")[0] == 0
    assert logs_in("ben", new)
    status, _, err = run(capsys, "user", "set-password", "ben", stdin="\n")
    assert (status, err) == (1, "accord: --password-stdin: the first line of input is empty\n")


def test_deactivate_stops_logins_and_tokens_and_activate_undoes_it(ana: User, ben: User, capsys):
    secret = accounts.create_token(user="ben")
    headers = {"Authorization": f"Bearer {secret}"}
    assert Client().get("/api/v1/requests", headers=headers).status_code == 200
    assert run(capsys, "user", "deactivate", "ben") == (0, "ben deactivated\n", "")
    assert not logs_in("ben", PASSWORD)
    assert Client().get("/api/v1/requests", headers=headers).status_code == 401
    assert User.objects.filter(username="ben").exists()  # never deleted
    assert "inactive" in run(capsys, "user", "list")[1]
    assert run(capsys, "user", "activate", "ben")[0] == 0
    assert logs_in("ben", PASSWORD)


def test_unlock_lifts_a_lockout(ana: User, capsys) -> None:
    client = Client()
    for _ in range(5):
        client.post("/login/", {"username": "ana", "password": "wrong"})
    assert client.post("/login/", {"username": "ana", "password": PASSWORD}).status_code == 429
    status, out, _ = run(capsys, "user", "unlock", "ana")
    assert status == 0 and "record(s) cleared" in out
    assert not AccessAttempt.objects.filter(username="ana").exists()
    assert client.post("/login/", {"username": "ana", "password": PASSWORD}).status_code == 302
    # A source locked by a spray over guessed names is lifted by address.
    spray = Client()
    for name in ["a1", "a2", "a3", "a4", "a5"]:
        spray.post("/login/", {"username": name, "password": "wrong"}, REMOTE_ADDR="192.0.2.4")
    assert (
        spray.post(
            "/login/", {"username": "ana", "password": PASSWORD}, REMOTE_ADDR="192.0.2.4"
        ).status_code
        == 429
    )
    assert run(capsys, "user", "unlock", "--address", "192.0.2.4")[0] == 0
    assert (
        spray.post(
            "/login/", {"username": "ana", "password": PASSWORD}, REMOTE_ADDR="192.0.2.4"
        ).status_code
        == 302
    )


def test_token_list_shows_prefix_owner_and_last_use_and_revoke_stops_it(ana: User, capsys):
    first = accounts.create_token(user="ana")
    accounts.create_token(user="ana")
    Client().get("/api/v1/requests", headers={"Authorization": f"Bearer {first}"})
    status, out, _ = run(capsys, "token", "list")
    assert status == 0
    rows = out.splitlines()[1:]
    assert len(rows) == 2
    one = ApiToken.objects.order_by("pk").first()
    assert one is not None
    assert rows[0].split()[:3] == [str(one.pk), one.prefix, "user:ana"]
    assert first not in out  # the secret is never shown again
    assert rows[0].count("UTC") == 2 and rows[1].count("UTC") == 1  # created, last used
    assert run(capsys, "token", "revoke", str(one.pk))[0] == 0
    answer = Client().get("/api/v1/requests", headers={"Authorization": f"Bearer {first}"})
    assert answer.status_code == 401
    assert len(run(capsys, "token", "list")[1].splitlines()) == 2
    assert "UTC" in run(capsys, "token", "list", "--all")[1].splitlines()[1].split("user:ana")[1]
    status, _, err = run(capsys, "token", "revoke", str(one.pk))
    assert (status, err) == (1, f"accord: token: token {one.pk} was already revoked\n")
