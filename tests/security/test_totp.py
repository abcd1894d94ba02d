"""The optional TOTP second factor for staff, through the desk's pages and the CLI.

Codes are computed from the secret the page shows, with django-otp's own TOTP
(RFC 6238). A code is accepted once (replay protection), so a test that needs two
accepted codes uses the current step's and then the next step's (the device
accepts one step of drift).
"""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accord.accounts import services as accounts
from accord.accounts import totp
from accord.audit.models import AuditEntry

from .conftest import PASSWORD


def code_for(secret: str, step: int = 0) -> str:
    """The code an authenticator app shows for this base32 key, `step` periods from now."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    otp = TOTP(key)
    otp.time = time.time() + 30 * step
    return f"{otp.token():06d}"


def password_step(client: Client, name: str, password: str = PASSWORD, **extra):
    return client.post("/login/", {"username": name, "password": password}, **extra)


def turned_on(user: User) -> str:
    """Turn TOTP on through the services (as the page does); the secret, its step 0 used."""
    dev = totp.start(user)
    secret = totp.secret(dev)
    totp.confirm(user, code_for(secret))
    return secret


@pytest.fixture
def no_device_throttle(settings) -> None:
    """django-otp delays the next code 1 s after a wrong one; these tests type fast."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def test_it_turns_totp_on_from_the_account_page_and_asks_for_a_code_at_login(
    ben: User, no_device_throttle: None
) -> None:
    client = Client()
    assert password_step(client, "ben")["Location"] == "/"
    page = client.get("/password/two-step/")
    assert "<strong>Off.</strong>" in page.content.decode()
    assert client.post("/password/two-step/", {"action": "start"}).status_code == 302
    page = client.get("/password/two-step/").content.decode()
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)</code>', page).group(1)  # type: ignore[union-attr]
    assert 'src="data:image/svg+xml' in page  # the QR code, inline and allowed by the CSP

    # Started but not confirmed: the password alone still logs in.
    other = Client()
    assert password_step(other, "ben")["Location"] == "/"

    wrong = client.post("/password/two-step/", {"action": "confirm", "code": "123 45"})
    assert wrong.status_code == 422
    assert "code: enter the 6 digits" in wrong.content.decode()
    bad = "000000" if code_for(secret) != "000000" else "111111"
    assert client.post("/password/two-step/", {"action": "confirm", "code": bad}).status_code == 422
    assert totp.device(ben) is None
    answer = client.post("/password/two-step/", {"action": "confirm", "code": code_for(secret)})
    assert answer.status_code == 302
    assert "<strong>On.</strong>" in client.get("/password/two-step/").content.decode()
    assert AuditEntry.objects.filter(action="user.totp_on", object_id=str(ben.pk)).exists()

    # Now the password is only the first step: no desk page until the code.
    fresh = Client()
    first = password_step(fresh, "ben")
    assert first.status_code == 302 and first["Location"] == "/login/code/"
    assert "_auth_user_id" not in fresh.session
    assert fresh.get("/")["Location"].startswith("/login/")
    refused = fresh.post("/login/code/", {"code": bad})
    assert refused.status_code == 400
    assert "That code is not right" in refused.content.decode()
    assert "_auth_user_id" not in fresh.session
    done = fresh.post("/login/code/", {"code": code_for(secret, step=1)})
    assert done.status_code == 302 and done["Location"] == "/"
    assert fresh.session["_auth_user_id"] == str(ben.pk)
    assert fresh.get("/").status_code == 200


def test_a_code_is_accepted_once(ben: User, no_device_throttle: None) -> None:
    secret = turned_on(ben)
    first = Client()
    password_step(first, "ben")
    code = code_for(secret, step=1)
    assert first.post("/login/code/", {"code": code})["Location"] == "/"
    second = Client()
    password_step(second, "ben")
    assert second.post("/login/code/", {"code": code}).status_code == 400


def test_wrong_codes_count_toward_the_axes_lockout(ben: User, no_device_throttle: None) -> None:
    secret = turned_on(ben)
    client = Client()
    password_step(client, "ben")
    bad = "000000" if code_for(secret, 1) != "000000" else "111111"
    for _ in range(4):
        assert client.post("/login/code/", {"code": bad}).status_code == 400
    fifth = client.post("/login/code/", {"code": bad})
    assert fifth.status_code == 429
    assert "Too many failed logins" in fifth.content.decode()
    assert AccessAttempt.objects.get(username="ben").failures_since_start == 5
    # The right password and then the right code are refused too, for the lock's length.
    assert password_step(client, "ben").status_code == 429
    assert "_auth_user_id" not in client.session
    accounts.unlock("ben")
    password_step(client, "ben")
    assert client.post("/login/code/", {"code": code_for(secret, 1)})["Location"] == "/"


def test_the_device_delays_the_next_code_after_a_wrong_one(ben: User) -> None:
    """django-otp's own throttle: a right code within a second of a wrong one is refused."""
    secret = turned_on(ben)
    client = Client()
    password_step(client, "ben")
    bad = "000000" if code_for(secret, 1) != "000000" else "111111"
    assert client.post("/login/code/", {"code": bad}).status_code == 400
    assert client.post("/login/code/", {"code": code_for(secret, 1)}).status_code == 400
    time.sleep(2.1)  # past the 1 s delay after the first failure, 2 s after the second
    assert client.post("/login/code/", {"code": code_for(secret, 1)})["Location"] == "/"


def test_turning_it_off_needs_a_current_code(ben: User, no_device_throttle: None) -> None:
    secret = turned_on(ben)
    client = Client()
    password_step(client, "ben")
    client.post("/login/code/", {"code": code_for(secret, 1)})
    assert client.post("/login/code/", {"code": "x"})["Location"] == "/login/"  # no pending login
    refused = client.post("/password/two-step/", {"action": "off", "code": "12345"})
    assert refused.status_code == 422 and totp.device(ben) is not None
    # Step 1 was used for the login, and the device now expects the app one step
    # ahead (django-otp follows the drift), so the app's next code is step 2.
    off = client.post("/password/two-step/", {"action": "off", "code": code_for(secret, 2)})
    assert off.status_code == 302
    assert not TOTPDevice.objects.filter(user=ben).exists()
    assert AuditEntry.objects.filter(action="user.totp_off").count() == 1
    assert password_step(Client(), "ben")["Location"] == "/"


def test_the_admin_login_and_a_stale_code_page_go_through_the_password_again(
    ana: User, no_device_throttle: None
) -> None:
    turned_on(ana)
    client = Client()
    answer = client.post("/admin/login/?next=/admin/", {"username": "ana", "password": PASSWORD})
    assert answer.status_code == 302 and answer["Location"] == "/login/code/"
    assert client.get("/admin/").status_code == 302
    assert Client().get("/login/code/")["Location"] == "/login/"


def test_api_tokens_are_not_asked_for_a_code(ben: User) -> None:
    turned_on(ben)
    token = accounts.create_token(user="ben")
    answer = Client().get("/api/v1/requests", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 200


def _accord(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    return subprocess.run(
        [sys.executable, "-m", "accord", *args],
        env={**env, "ACCORD_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_an_admin_turns_a_users_totp_off_with_the_cli(tmp_path: Path) -> None:
    assert _accord(tmp_path, "migrate").returncode == 0
    made = _accord(tmp_path, "user", "create", "ben", "--role", "agent")
    assert made.returncode == 0, made.stderr
    # Ben turns it on (the services the page calls), in that data dir's database.
    setup = _python(tmp_path, _TURN_ON)
    assert setup.stdout.strip() == "on", setup.stderr
    reset = _accord(tmp_path, "user", "set-totp", "ben", "--off")
    assert (reset.returncode, reset.stdout) == (0, "ben: two-step login turned off\n"), reset.stderr
    state = _python(tmp_path, _STATE)
    assert state.stdout.split() == ["devices=0", "audited=1"], state.stderr
    again = _accord(tmp_path, "user", "set-totp", "ben", "--off")
    assert again.stdout == "ben: two-step login was not set up; nothing to turn off\n"
    missing = _accord(tmp_path, "user", "set-totp", "nobody", "--off")
    assert (missing.returncode, missing.stderr) == (1, "accord: user: no user 'nobody'\n")
    no_flag = _accord(tmp_path, "user", "set-totp", "ben")
    assert no_flag.returncode == 2 and "--off" in no_flag.stderr


def _python(data_dir: Path, script: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + script],
        env={**env, "ACCORD_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "accord.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )


_STATE = """
from accord.audit.models import AuditEntry
from django_otp.plugins.otp_totp.models import TOTPDevice
print(f"devices={TOTPDevice.objects.count()}")
print(f"audited={AuditEntry.objects.filter(action='user.totp_reset', actor='system').count()}")
"""

_TURN_ON = """
import time
from django.contrib.auth.models import User
from django_otp.oath import TOTP
from accord.accounts import totp
ben = User.objects.get(username="ben")
dev = totp.start(ben)
otp = TOTP(dev.bin_key)
otp.time = time.time()
totp.confirm(ben, f"{otp.token():06d}")
assert totp.device(ben) is not None
print("on")
"""
