"""A message whose store fails stays unmarked and does not block the ones after it."""

from __future__ import annotations

from pathlib import Path

from accord.intake.mail.imap import fetch

from .conftest import Dovecot, Folder, build_message
from .dedupe_store import DedupeStore


def test_it_skips_a_poison_message_and_imports_the_rest(
    dovecot: Dovecot, imap_folder: Folder, tmp_path: Path
) -> None:
    poison = imap_folder.append(build_message("poison", "poison@customer.example", body="POISON"))
    good = [
        imap_folder.append(build_message(f"good {i}", f"good{i}@customer.example"))
        for i in range(3)
    ]
    store = DedupeStore(tmp_path / "store.db")

    def picky_store(raw: bytes, mailbox: str, folder: str, uidvalidity: int, uid: int) -> None:
        if b"POISON" in raw:
            raise RuntimeError("cannot process this one")
        store(raw, mailbox, folder, uidvalidity, uid)

    result = fetch(dovecot.account((imap_folder.name,)), picky_store)

    (folder_result,) = result.folders
    assert folder_result.failed == {poison: "RuntimeError: cannot process this one"}
    assert folder_result.stored == good
    flags = imap_folder.flags()
    assert "$Accord" not in flags[poison]
    assert all("$Accord" in flags[uid] for uid in good)
    assert store.keys() == sorted(f"id:good{i}@customer.example" for i in range(3))

    retried: list[int] = []

    def recording(raw: bytes, mailbox: str, folder: str, uidvalidity: int, uid: int) -> None:
        retried.append(uid)
        store(raw, mailbox, folder, uidvalidity, uid)

    later = fetch(dovecot.account((imap_folder.name,)), recording)
    assert retried == [poison] and later.stored == 1
    assert "$Accord" in imap_folder.flags()[poison]
