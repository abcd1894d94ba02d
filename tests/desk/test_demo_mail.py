"""`accord demo` configures its support addresses: a mail to one is a request at once."""

from __future__ import annotations

import os
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

from accord.demo import ADDRESSES


def accord(data_dir: Path, *args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["ACCORD_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "accord", *args],
        env=env,
        input=stdin,
        capture_output=True,
        timeout=300,
    )


def test_the_demo_ingests_a_mail_to_its_support_address_with_no_extra_step(tmp_path: Path):
    demo = accord(tmp_path, "demo", "--no-serve", "--bind", "127.0.0.1:8001")
    assert demo.returncode == 0, demo.stderr.decode()
    out = demo.stdout.decode()
    assert "http://127.0.0.1:8001/" in out
    for email, *_ in ADDRESSES:
        assert f"mail:        {email}" in out

    msg = EmailMessage()
    msg["From"] = "Hana <hana@aroha.example>"
    msg["To"] = ADDRESSES[0][0]
    msg["Subject"] = "Lab results page shows an error"
    msg["Message-ID"] = "<demo-mail-1@aroha.example>"
    msg.set_content("Since the update the lab results page shows error 500.")
    ingested = accord(tmp_path, "mail", "ingest", stdin=msg.as_bytes())
    assert ingested.returncode == 0, ingested.stderr.decode()
    assert "processed -> SR-" in ingested.stdout.decode()
    listing = accord(tmp_path, "mail", "list").stdout.decode()
    line = next(x for x in listing.splitlines() if "Lab results page" in x)
    assert line.split("\t")[1] == "processed", listing
