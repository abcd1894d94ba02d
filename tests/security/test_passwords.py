"""Django's password validators guard every way a password is set."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from accord.accounts import services as accounts
from accord.cli import main
from accord.errors import Invalid


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("x", "too short"),
        ("password123", "too common"),
        ("4815162342", "entirely numeric"),
        ("ana-example-admin", "too similar"),
    ],
)
def test_it_refuses_weak_passwords_naming_the_field(db: None, password: str, reason: str) -> None:
    with pytest.raises(Invalid) as refused:
        accounts.create_user("ana-example-admin", role="agent", password=password)
    assert refused.value.field == "password"
    assert reason in refused.value.message
    assert not User.objects.filter(username="ana-example-admin").exists()


def test_set_password_refuses_x_and_keeps_the_old_one(ana: User, monkeypatch, capsys) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("x\n"))
    assert main(["user", "set-password", "ana"]) == 1
    assert "accord: password: This password is too short" in capsys.readouterr().err
    ana.refresh_from_db()
    from .conftest import PASSWORD

    assert ana.check_password(PASSWORD)
