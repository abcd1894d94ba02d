"""A full disk and a read-only file store are temporary failures, never quarantines.

The real `accord mail ingest` runs against a data dir whose `files` directory
is a small tmpfs: full (1 MiB, for a 2 MB attachment) or remounted read-only.
Mounting needs root (CAP_SYS_ADMIN); elsewhere these tests are skipped with
that reason. After the store is fixed, the MTA's retry of the same bytes
processes the message and the stored file verifies.
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from intake.support import CliDesk

BIG = hashlib.sha256(b"seed").digest() * (2_000_000 // 32)  # 2,000,000 bytes
SHA = hashlib.sha256(BIG).hexdigest()


def with_big_attachment(message_id: str = "big@kiwi.example") -> bytes:
    msg = EmailMessage()
    msg["From"] = "Mere <mere@kiwi.example>"
    msg["To"] = "support@capella.example"
    msg["Subject"] = "Core dump attached"
    msg["Message-ID"] = f"<{message_id}>"
    msg.set_content("The dump is attached.")
    msg.add_attachment(BIG, maintype="application", subtype="octet-stream", filename="core.bin")
    return msg.as_bytes()


def _mount(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["mount", *args], capture_output=True)


@pytest.fixture
def small_store(cli_desk: CliDesk) -> Iterator[Path]:
    """`files` under the desk's data dir as a 1 MiB tmpfs."""
    files = cli_desk.data_dir / "files"
    files.mkdir()
    mounted = _mount("-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(files))
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {mounted.stderr.decode().strip()}")
    try:
        yield files
    finally:
        subprocess.run(["umount", "-l", str(files)], capture_output=True)


def _state(desk: CliDesk) -> list[tuple[str, int]]:
    return desk.rows("SELECT state, attempts FROM intake_rawmessage")


def _stored(files: Path) -> Path:
    return files / "mail" / SHA[:2] / SHA


def test_it_exits_75_on_a_full_disk_and_a_retry_stores_a_file_that_verifies(
    cli_desk: CliDesk, small_store: Path
) -> None:
    raw = with_big_attachment()
    full = cli_desk.accord("mail", "ingest", stdin=raw)
    assert full.returncode == 75, full.stderr
    assert b"temporary failure" in full.stderr and b"Traceback" not in full.stderr
    # The raw bytes are kept, pending (not quarantined); no request, no half file.
    assert [s for s, _ in _state(cli_desk)] == ["pending"]
    assert cli_desk.rows("SELECT count(*) FROM tickets_request") == [(0,)]
    assert not _stored(small_store).exists()
    assert not [p for p in small_store.rglob(".tmp-*")]

    assert _mount("-o", "remount,size=8m", str(small_store)).returncode == 0
    again = cli_desk.accord("mail", "ingest", stdin=raw)  # the MTA's retry
    assert again.returncode == 0, again.stderr
    assert [s for s, _ in _state(cli_desk)] == ["processed"]
    assert _stored(small_store).read_bytes() == BIG
    assert cli_desk.rows("SELECT size FROM tickets_attachment") == [(2_000_000,)]
    verified = cli_desk.accord("files", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert b"1 files checked, 0 bad" in verified.stdout


def test_it_exits_75_on_a_read_only_store_and_processes_once_writable(
    cli_desk: CliDesk, small_store: Path
) -> None:
    assert _mount("-o", "remount,size=8m", str(small_store)).returncode == 0
    assert _mount("-o", "remount,ro", str(small_store)).returncode == 0
    raw = with_big_attachment("ro@kiwi.example")
    refused = cli_desk.accord("mail", "ingest", stdin=raw)
    assert refused.returncode == 75, refused.stderr
    assert [s for s, _ in _state(cli_desk)] == ["pending"]

    assert _mount("-o", "remount,rw", str(small_store)).returncode == 0
    again = cli_desk.accord("mail", "ingest", stdin=raw)
    assert again.returncode == 0, again.stderr
    assert [s for s, _ in _state(cli_desk)] == ["processed"]
    assert hashlib.sha256(_stored(small_store).read_bytes()).hexdigest() == SHA


def test_files_verify_reports_a_truncated_file_and_repairs_it_from_the_raw_message(
    cli_desk: CliDesk,
) -> None:
    assert cli_desk.accord("mail", "ingest", stdin=with_big_attachment()).returncode == 0
    stored = _stored(cli_desk.data_dir / "files")
    assert stored.stat().st_mode & 0o777 == 0o600
    assert stored.parent.stat().st_mode & 0o777 == 0o700
    stored.write_bytes(BIG[: 1024 * 1024])  # what the disk-full bug left behind

    found = cli_desk.accord("files", "verify")
    assert found.returncode == 1
    assert (
        b"BAD\tmail/" in found.stdout and b"1048576 bytes stored, 2000000 expected" in found.stdout
    )

    repaired = cli_desk.accord("files", "verify", "--repair")
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert (
        b"repaired\tmail/" in repaired.stdout and b"rewritten from raw message" in repaired.stdout
    )
    assert stored.read_bytes() == BIG
    assert cli_desk.accord("files", "verify").returncode == 0
