"""Several folders per mailbox; a broken folder does not stop the others; limits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from accord.intake.mail.imap import encode_mailbox_name, fetch

from .conftest import Dovecot, build_message
from .dedupe_store import DedupeStore


def test_it_fetches_every_configured_folder_and_reports_a_missing_one(
    dovecot: Dovecot, make_folder: Any, tmp_path: Path
) -> None:
    sales, support = make_folder("sales"), make_folder("Süpport & co")
    sales.append(build_message("s", "s@customer.example"))
    support.append(build_message("t1", "t1@customer.example"))
    support.append(build_message("t2", "t2@customer.example"))
    store = DedupeStore(tmp_path / "store.db")

    result = fetch(dovecot.account((sales.name, "does-not-exist", support.name)), store)

    by_folder = {f.folder: f for f in result.folders}
    assert by_folder[sales.name].stored == [1] and by_folder[support.name].stored == [1, 2]
    assert by_folder["does-not-exist"].error is not None and not result.ok
    assert len(store.keys()) == 3


def test_it_stops_after_the_limit_and_continues_next_run(
    dovecot: Dovecot, make_folder: Any, tmp_path: Path
) -> None:
    folder = make_folder()
    for i in range(5):
        folder.append(build_message(f"m{i}", f"m{i}@customer.example"))
    store = DedupeStore(tmp_path / "store.db")
    assert fetch(dovecot.account((folder.name,)), store, limit=3).stored == 3
    assert fetch(dovecot.account((folder.name,)), store, limit=3).stored == 2
    assert len(store.keys()) == 5


def test_it_encodes_folder_names_in_modified_utf7() -> None:
    assert encode_mailbox_name("INBOX") == '"INBOX"'
    assert encode_mailbox_name("Süpport & co") == '"S&APw-pport &- co"'
    assert encode_mailbox_name('a"b\\c') == '"a\\"b\\\\c"'
