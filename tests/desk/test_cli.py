"""`accord migrate`, `user create`, `token create`, `run web` against a fresh data dir."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY", "DEBUG")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return {**env, "ACCORD_DATA_DIR": str(data_dir), **extra}


def accord(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "accord", *args],
        env=_env(data_dir, **env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _call(url: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        url,
        data=data,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_it_sets_up_a_fresh_data_dir_and_serves_the_api(tmp_path):
    assert accord(tmp_path, "migrate").returncode == 0
    made = accord(tmp_path, "user", "create", "ana", "--role", "admin", "--import")
    assert made.returncode == 0, made.stderr
    assert "may import history" in made.stdout
    token = accord(tmp_path, "token", "create", "--user", "ana")
    assert token.returncode == 0, token.stderr
    secret = token.stdout.strip()
    assert secret.startswith("acc_")
    port = _free_port()
    web = subprocess.Popen(
        [sys.executable, "-m", "accord", "run", "web", "--bind", f"127.0.0.1:{port}"],
        env=_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}/api/v1"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        status, org = _call(
            f"{base}/organizations",
            secret,
            {"name": "Acme", "policy": "capella", "hosting": "hosted"},
        )
        assert status == 201, org
        status, contact = _call(
            f"{base}/contacts",
            secret,
            {
                "organization": org["id"],
                "name": "Ann",
                "email": "ann@acme.example",
                "phone": "1",
                "role": "administrator",
            },
        )
        assert status == 201, contact
        status, _ = _call(
            f"{base}/entitlements",
            secret,
            {
                "organization": org["id"],
                "kind": "support_agreement",
                "starts": "2020-01-01",
                "ends": "2099-12-31",
            },
        )
        assert status == 201
        status, req = _call(
            f"{base}/requests",
            secret,
            {
                "contact": contact["id"],
                "channel": "email",
                "level": "urgent",
                "received": "2026-01-05T10:00:00+13:00",
                "subject": "Down",
                "description": "Down.",
            },
        )
        assert status == 201, req
        assert req["number"] == "SR-1001"
        assert req["targets"]["first_response"]["due"] == "2026-01-05T11:00:00+13:00"
        status, _ = _call(f"{base}/requests/SR-1001", "acc_wrong")
        assert status == 401
    finally:
        web.terminate()
        web.wait(timeout=30)


def test_it_names_the_bad_field_and_exits_1_without_a_traceback(tmp_path):
    assert accord(tmp_path, "migrate").returncode == 0
    assert accord(tmp_path, "user", "create", "bo", "--role", "agent").returncode == 0
    for args, env, expected in [
        (["user", "create", "bo", "--role", "agent"], {}, "accord: name: user 'bo' already exists"),
        (["user", "create", "no spaces", "--role", "agent"], {}, "accord: name:"),
        (["token", "create", "--user", "nobody"], {}, "accord: user: no user 'nobody'"),
        (["token", "create", "--contact", "42"], {}, "accord: contact: no contact 42"),
        (["migrate"], {"DATABASE_URL": "mysql://x@y/z"}, "configuration error: DATABASE_URL"),
        (["migrate"], {"DEBUG": "maybe"}, "configuration error: DEBUG"),
        (["migrate"], {"SECRET_KEY": "short"}, "configuration error: SECRET_KEY"),
    ]:
        done = accord(tmp_path, *args, **env)
        assert done.returncode == 1, (args, done.stdout, done.stderr)
        assert expected in done.stderr, (args, done.stderr)
        assert "Traceback" not in done.stderr


def test_it_says_to_migrate_when_the_database_is_empty(tmp_path):
    done = accord(tmp_path, "user", "create", "ana", "--role", "agent")
    assert done.returncode == 1
    assert "accord migrate" in done.stderr and "Traceback" not in done.stderr


def test_it_rejects_an_unknown_role_as_a_usage_error(tmp_path):
    done = accord(tmp_path, "user", "create", "ana", "--role", "boss")
    assert done.returncode == 2
    assert "--role" in done.stderr


def test_it_rejects_a_bad_bind_address(tmp_path):
    done = accord(tmp_path, "run", "web", "--bind", "localhost")
    assert done.returncode == 2
    assert "HOST:PORT" in done.stderr


def test_it_loads_the_demo_once_and_prints_the_url_and_login(tmp_path):
    first = accord(tmp_path, "demo", "--no-serve")
    assert first.returncode == 0, first.stderr
    assert "http://127.0.0.1:8000/api/v1/docs" in first.stdout
    assert "login demo-admin / " in first.stdout
    again = accord(tmp_path, "demo", "--no-serve", "--bind", "127.0.0.1:9000")
    assert again.returncode == 0, again.stderr
    password = first.stdout.split("login demo-admin / ")[1].split()[0]
    assert f"login demo-admin / {password}" in again.stdout
    assert "http://127.0.0.1:9000/admin/" in again.stdout


def test_it_sets_a_web_password_from_standard_input(tmp_path):
    from django.contrib.auth.hashers import check_password

    assert accord(tmp_path, "migrate").returncode == 0
    made = subprocess.run(
        [sys.executable, "-m", "accord", "user", "create", "cy", "--role", "agent",
         "--password-stdin"],
        input="s3cret-pass\n", env=_env(tmp_path), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    import sqlite3

    with sqlite3.connect(tmp_path / "accord.sqlite3") as db:
        (encoded,) = db.execute("select password from auth_user where username='cy'").fetchone()
    assert check_password("s3cret-pass", encoded)
    empty = subprocess.run(
        [sys.executable, "-m", "accord", "user", "create", "di", "--role", "agent",
         "--password-stdin"],
        input="\n", env=_env(tmp_path), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert empty.returncode == 1
    assert "--password-stdin" in empty.stderr


def test_it_lists_policy_versions_and_previews_moves(tmp_path):
    assert accord(tmp_path, "migrate").returncode == 0
    listed = accord(tmp_path, "policy", "versions", "capella")
    assert listed.returncode == 0, listed.stderr
    assert "2022  effective 2022-01-01  0 requests (shipped file)" in listed.stdout
    preview = accord(tmp_path, "policy", "move", "capella", "--to", "2022")
    assert preview.returncode == 0, preview.stderr
    assert "no deadline would move" in preview.stdout
    assert "preview only" in preview.stdout
    unknown = accord(tmp_path, "policy", "move", "capella", "--to", "1999")
    assert unknown.returncode == 1
    assert "--to: no version '1999' of capella on record" in unknown.stderr
    recomputed = accord(tmp_path, "policy", "recompute", "capella")
    assert recomputed.returncode == 0, recomputed.stderr
    assert "recomputed the targets of 0 open requests" in recomputed.stdout
