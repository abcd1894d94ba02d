"""Two fetchers on the same folder at the same time import every message exactly once."""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path

from accord.intake.mail.imap import FetchResult, fetch

from .conftest import Dovecot, Folder, build_message
from .dedupe_store import DedupeStore


def test_it_imports_each_message_once_with_two_fetchers_running(
    dovecot: Dovecot, imap_folder: Folder, tmp_path: Path
) -> None:
    count = 20
    for i in range(count):
        imap_folder.append(build_message(f"m{i}", f"m{i}@customer.example"))
    store = DedupeStore(tmp_path / "store.db")
    start = threading.Barrier(2)
    results: list[FetchResult] = []

    def slow_store(raw: bytes, mailbox: str, folder: str, uidvalidity: int, uid: int) -> None:
        time.sleep(0.01)  # widen the window in which both hold the same message
        store(raw, mailbox, folder, uidvalidity, uid)

    def run() -> None:
        start.wait()
        results.append(fetch(dovecot.account((imap_folder.name,), batch_size=5), slow_store))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(results) == 2 and all(r.ok for r in results)
    keys = store.keys()
    assert keys == sorted(f"id:m{i}@customer.example" for i in range(count))
    deliveries = Counter(key for key, _ in store.deliveries())
    assert set(deliveries) == set(keys)
    assert sum(r.stored for r in results) == sum(deliveries.values()) >= count
    assert all("$Accord" in flags for flags in imap_folder.flags().values())
