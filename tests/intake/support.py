"""Shared helpers for the mail desk tests: messages, the desk, the CLI on a file database.

The CLI tests run the real `accord` command in a subprocess. pytest-django's
test database is not visible to another process on SQLite, so each such test
gets its own data dir with a file database, copied from one migrated and
seeded once per session.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from accord.intake.config import load as load_mail
from accord.intake.models import SupportAddress
from accord.intake.pipeline import Result, ingest
from accord.intake.store import Origin

REPO = Path(__file__).resolve().parents[2]
PYTHON = str(REPO / ".venv" / "bin" / "python")
SEED = Path(__file__).resolve().parent / "seed.py"
SECRET = "test-secret-key-for-the-mail-tests-0123456789"
DOMAIN = "desk.example"
CAPELLA = "support@capella.example"
CAPSURE = "help@capsure.example"


def add_addresses() -> None:
    SupportAddress.objects.create(
        email=CAPELLA, name="Capella Support", policy="capella", level="medium", is_default=True
    )
    SupportAddress.objects.create(
        email=CAPSURE, name="CapSure Help", policy="capsure", level="sev3"
    )


def message(
    subject: str = "Printing fails",
    *,
    sender: str = "Mere <mere@kiwi.example>",
    to: str = CAPELLA,
    body: str = "Printing fails since this morning.",
    message_id: str | None = "m1@kiwi.example",
    **headers: str,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = "Fri, 20 Nov 2026 10:00:00 +1300"
    if message_id:
        msg["Message-ID"] = f"<{message_id}>"
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg.as_bytes()


def deliver(raw: bytes) -> Result:
    """The pipeline as `accord mail ingest` runs it, in this process."""
    return ingest(raw, Origin("pipe"))


@pytest.fixture
def mail_settings(settings: Any, tmp_path: Path) -> Any:
    settings.ACCORD_MAIL = dataclasses.replace(load_mail({"ACCORD_MAIL_DOMAIN": DOMAIN}), smtp=None)
    settings.MEDIA_ROOT = tmp_path / "files"
    return settings


@pytest.fixture
def mail_desk(transactional_db: None, mail_settings: Any) -> Any:
    from desk.personas import build_desk

    desk = build_desk(timezone.now())
    add_addresses()
    return desk


# --- the real command on a file database -------------------------------------------


def base_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ACCORD_", "DATABASE_"))}
    env.update(
        ACCORD_DATA_DIR=str(data_dir),
        SECRET_KEY=SECRET,
        ACCORD_MAIL_DOMAIN=DOMAIN,
        DJANGO_SETTINGS_MODULE="accord.settings",
        PYTHONPATH=str(REPO),
    )
    return env


def run(env: dict[str, str], *args: str, stdin: bytes = b"", timeout: float = 120) -> Any:
    return subprocess.run(
        [PYTHON, "-m", "accord", *args],
        input=stdin,
        env=env,
        capture_output=True,
        timeout=timeout,
        cwd=REPO,
    )


@dataclasses.dataclass
class CliDesk:
    env: dict[str, str]
    data_dir: Path

    @property
    def db_path(self) -> Path:
        return self.data_dir / "accord.sqlite3"

    def accord(self, *args: str, stdin: bytes = b"", **env: str) -> Any:
        return run({**self.env, **env}, *args, stdin=stdin)

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        db = sqlite3.connect(self.db_path, timeout=30)
        try:
            return db.execute(sql, params).fetchall()
        finally:
            db.close()

    def seed_imap(self, config: str) -> None:
        done = subprocess.run(
            [PYTHON, str(SEED), "--imap", config], env=self.env, capture_output=True, cwd=REPO
        )
        assert done.returncode == 0, done.stderr.decode()


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("mail-template")
    env = base_env(data_dir)
    migrated = run(env, "migrate")
    assert migrated.returncode == 0, migrated.stderr.decode()
    seeded = subprocess.run([PYTHON, str(SEED)], env=env, capture_output=True, cwd=REPO)
    assert seeded.returncode == 0, seeded.stderr.decode()
    return data_dir


@pytest.fixture
def cli_desk(seeded_template: Path, tmp_path: Path) -> Iterator[CliDesk]:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copy(seeded_template / "accord.sqlite3", data_dir / "accord.sqlite3")
    yield CliDesk(base_env(data_dir), data_dir)
