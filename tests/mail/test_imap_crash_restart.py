"""A fetcher killed between commit and flag: the restart imports nothing twice."""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from .conftest import Dovecot, Folder, build_message
from .dedupe_store import DedupeStore

WORKER = Path(__file__).with_name("fetch_worker.py")


def _worker(dovecot: Dovecot, folder: Folder, db: Path, *extra: str) -> subprocess.Popen[str]:
    args = [str(dovecot.port), dovecot.user, dovecot.password, folder.name, str(db), *extra]
    return subprocess.Popen(
        [sys.executable, str(WORKER), dovecot.host, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_it_imports_nothing_twice_after_a_kill_mid_run(
    dovecot: Dovecot, imap_folder: Folder, tmp_path: Path
) -> None:
    uids = [imap_folder.append(build_message(f"m{i}", f"m{i}@customer.example")) for i in range(6)]
    imap_folder.append(build_message("no id", None, body="a message without Message-ID"))
    db, marker = tmp_path / "store.db", tmp_path / "hanging"

    first = _worker(dovecot, imap_folder, db, "3", str(marker))
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline, "the worker never reached the third message"
        time.sleep(0.05)
    hung_uid = int(marker.read_text())
    first.kill()
    first.wait(timeout=30)

    flags = imap_folder.flags()
    assert hung_uid == uids[2]
    assert [uid for uid in uids if "$Accord" in flags[uid]] == uids[:2]
    assert len(DedupeStore(db).keys()) == 3  # the third was committed, not flagged

    second = _worker(dovecot, imap_folder, db)
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err

    store = DedupeStore(db)
    keys = store.keys()
    assert len(keys) == 7 and len(set(keys)) == 7
    assert sum(1 for k in keys if k.startswith("sha256:")) == 1
    delivered = Counter(key for key, _ in store.deliveries())
    assert delivered["id:m2@customer.example"] == 2  # delivered again after the crash ...
    assert all(n == 1 for key, n in delivered.items() if key != "id:m2@customer.example")
    assert all("$Accord" in f for f in imap_folder.flags().values())  # ... and stored once
