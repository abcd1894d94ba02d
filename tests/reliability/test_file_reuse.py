"""A file already stored under a hash is reused only when it checks out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.test import Client
from intake.support import base_env, deliver, run
from intake.test_attachments import PDF, with_attachments

from accord.intake.files import verify_files
from accord.storage import content_name, put
from accord.tickets.models import Attachment


def test_it_rewrites_a_bad_file_when_the_same_bytes_arrive_again(mail_desk: Any) -> None:
    deliver(with_attachments(("report.pdf", "application/pdf", PDF)))
    att = Attachment.objects.get()
    path = Path(att.file.path)
    path.write_bytes(PDF[:100])  # truncated by an earlier failure

    response = Client().get(
        f"/api/v1/attachments/{att.pk}",
        headers={"Authorization": f"Bearer {mail_desk.agent_token}"},
    )
    assert response.status_code == 503 and response["Content-Type"] == "application/json"
    assert "accord files verify --repair" in response.json()["detail"]
    checked, bad = verify_files()
    assert (checked, [b.problem for b in bad]) == (1, [f"100 bytes stored, {len(PDF)} expected"])

    raw = with_attachments(("again.pdf", "application/pdf", PDF)).replace(b"att1@", b"att2@")
    deliver(raw)
    assert path.read_bytes() == PDF
    assert verify_files() == (1, [])


def test_put_refuses_data_that_is_not_its_hash(mail_desk: Any) -> None:
    import hashlib

    import pytest

    with pytest.raises(ValueError):
        put(hashlib.sha256(b"a").hexdigest(), b"b")
    name = put(hashlib.sha256(b"a").hexdigest(), b"a")
    assert name == content_name(hashlib.sha256(b"a").hexdigest())


def test_attachment_errors_are_json_for_api_clients(mail_desk: Any) -> None:
    headers = {"Authorization": f"Bearer {mail_desk.agent_token}"}
    missing = Client().get("/api/v1/attachments/999999", headers=headers)
    assert missing.status_code == 404 and missing.json()["field"] == "id"
    anonymous = Client().get("/api/v1/attachments/1")
    assert anonymous.status_code == 401 and anonymous.json()["field"] == "token"


def test_the_database_file_is_private_under_the_default_umask(tmp_path: Path) -> None:
    env = base_env(tmp_path / "data")
    done = run(env, "migrate")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "data" / "accord.sqlite3").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "data").stat().st_mode & 0o777 == 0o700

    loose = run(
        {**env, "ACCORD_DATA_DIR": str(tmp_path / "loose"), "ACCORD_UMASK": "027"}, "migrate"
    )
    assert loose.returncode == 0, loose.stderr
    assert (tmp_path / "loose" / "accord.sqlite3").stat().st_mode & 0o777 == 0o640
    bad = run({**env, "ACCORD_UMASK": "999"}, "migrate")
    assert bad.returncode == 1 and b"ACCORD_UMASK" in bad.stderr
