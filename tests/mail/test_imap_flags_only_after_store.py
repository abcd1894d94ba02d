"""A message is flagged or deleted on the server only after store() returned."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.intake.mail.imap import fetch

from .conftest import Dovecot, Folder, build_message
from .dedupe_store import DedupeStore


@pytest.mark.parametrize(
    ("options", "marked"),
    [
        ({"after_store": "flag", "flag": "$Accord"}, "$Accord"),
        ({"after_store": "flag", "flag": "\\Seen"}, "\\Seen"),
        ({"after_store": "delete"}, None),
    ],
    ids=["keyword", "seen", "delete"],
)
def test_it_marks_messages_only_after_the_store_committed(
    dovecot: Dovecot,
    imap_folder: Folder,
    tmp_path: Path,
    options: dict[str, str],
    marked: str | None,
) -> None:
    uids = [imap_folder.append(build_message(f"m{i}", f"m{i}@customer.example")) for i in range(3)]
    store = DedupeStore(tmp_path / "store.db")
    during: dict[int, set[str] | None] = {}

    def observing_store(raw: bytes, mailbox: str, folder: str, uidvalidity: int, uid: int) -> None:
        during[uid] = imap_folder.flags().get(uid)  # seen from another connection
        assert (mailbox, folder, uidvalidity) == (
            "support",
            imap_folder.name,
            imap_folder.uidvalidity(),
        )
        store(raw, mailbox, folder, uidvalidity, uid)

    result = fetch(dovecot.account((imap_folder.name,), **options), observing_store)

    assert result.ok and result.stored == 3 and sorted(during) == uids
    for uid in uids:
        flags = during[uid]
        assert flags is not None, "the message must still be on the server while it is stored"
        assert not {"$Accord", "\\Seen", "\\Deleted"} & flags, "fetching alone must not mark"
    after = imap_folder.flags()
    if marked is None:
        assert after == {}
    else:
        assert all(marked in after[uid] for uid in uids)
    assert store.keys() == sorted(f"id:m{i}@customer.example" for i in range(3))

    again: list[int] = []
    second = fetch(dovecot.account((imap_folder.name,), **options), lambda *a: again.append(a[4]))
    assert second.ok and again == []
