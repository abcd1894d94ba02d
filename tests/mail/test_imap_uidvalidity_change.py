"""When the server renumbers a folder (new UIDVALIDITY) nothing is imported twice."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

from accord.intake.mail.imap import fetch

from .conftest import Dovecot, Folder, build_message
from .dedupe_store import DedupeStore


def test_it_handles_a_uidvalidity_change_without_duplicates(
    dovecot: Dovecot, imap_folder: Folder, tmp_path: Path
) -> None:
    first_batch = [build_message(f"m{i}", f"m{i}@customer.example") for i in range(2)]
    for raw in first_batch:
        imap_folder.append(raw)
    store = DedupeStore(tmp_path / "store.db")
    account = dovecot.account((imap_folder.name,))
    first = fetch(account, store)
    old_validity = first.folders[0].uidvalidity
    assert old_validity == imap_folder.uidvalidity() and first.stored == 2

    imap_folder.recreate()  # the server forgets flags and renumbers
    for raw in [*first_batch, build_message("new", "new@customer.example")]:
        imap_folder.append(raw)
    assert imap_folder.uidvalidity() != old_validity

    second = fetch(account, store, previous_uidvalidity={imap_folder.name: old_validity})
    (folder_result,) = second.folders
    assert folder_result.uidvalidity == imap_folder.uidvalidity()
    assert folder_result.uidvalidity_changed and folder_result.stored == [1, 2, 3]
    assert store.keys() == [
        "id:m0@customer.example",
        "id:m1@customer.example",
        "id:new@customer.example",
    ]
    delivered = Counter(key for key, _ in store.deliveries())
    assert delivered == {
        "id:m0@customer.example": 2,
        "id:m1@customer.example": 2,
        "id:new@customer.example": 1,
    }
    assert set(_validities(store)) == {old_validity, folder_result.uidvalidity}


def _validities(store: DedupeStore) -> list[int]:
    with sqlite3.connect(store.path) as db:
        return [r[0] for r in db.execute("SELECT DISTINCT uidvalidity FROM deliveries")]
