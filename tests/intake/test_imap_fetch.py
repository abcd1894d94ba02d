"""`accord mail fetch` against a real Dovecot: flags only after commit, nothing twice."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from typing import Any

from intake.support import PYTHON, REPO, CliDesk, message

FLAG = "$Accord"


def add_source(desk: CliDesk, dovecot: Any, folder: Any, name: str = "support") -> None:
    desk.seed_imap(
        json.dumps(
            {
                "name": name,
                "host": dovecot.host,
                "port": dovecot.port,
                "username": dovecot.user,
                "password": dovecot.password,
                "folders": folder.name,
            }
        )
    )


def fill(folder: Any, count: int, prefix: str) -> list[int]:
    return [
        folder.append(message(f"Issue {n}", message_id=f"{prefix}{n}@kiwi.example"))
        for n in range(count)
    ]


def flagged(folder: Any) -> set[int]:
    return {uid for uid, flags in folder.flags().items() if FLAG in flags}


def test_it_fetches_into_the_desk_and_flags_each_message(
    cli_desk: CliDesk, dovecot: Any, make_folder: Any
) -> None:
    folder = make_folder()
    uids = fill(folder, 3, "f")
    add_source(cli_desk, dovecot, folder)
    done = cli_desk.accord("mail", "fetch")
    assert done.returncode == 0, done.stderr
    assert b"support: stored 3, failed 0" in done.stdout
    assert flagged(folder) == set(uids)
    rows = cli_desk.rows("SELECT mailbox, folder, uid, state FROM intake_rawmessage ORDER BY uid")
    assert rows == [("support", folder.name, uid, "processed") for uid in uids]
    assert cli_desk.rows("SELECT count(*) FROM tickets_request") == [(3,)]
    again = cli_desk.accord("mail", "fetch")
    assert b"support: stored 0, failed 0" in again.stdout
    assert cli_desk.rows("SELECT count(*) FROM intake_rawmessage") == [(3,)]


def test_it_flags_nothing_while_the_database_cannot_commit(
    cli_desk: CliDesk, dovecot: Any, make_folder: Any
) -> None:
    folder = make_folder()
    uids = fill(folder, 2, "l")
    add_source(cli_desk, dovecot, folder)
    lock = sqlite3.connect(cli_desk.db_path, timeout=1, isolation_level=None)
    # Readers may read, nobody may write: the source can be read, no message stored.
    lock.execute("BEGIN IMMEDIATE")
    try:
        refused = cli_desk.accord("mail", "fetch")
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    assert refused.returncode != 0
    assert b"Traceback" not in refused.stderr
    assert flagged(folder) == set()
    assert cli_desk.rows("SELECT count(*) FROM intake_rawmessage") == [(0,)]
    done = cli_desk.accord("mail", "fetch")
    assert done.returncode == 0, done.stderr
    assert flagged(folder) == set(uids)
    assert cli_desk.rows("SELECT count(*) FROM tickets_request") == [(2,)]


def test_it_imports_nothing_twice_with_two_fetchers_at_once(
    cli_desk: CliDesk, dovecot: Any, make_folder: Any
) -> None:
    folder = make_folder()
    uids = fill(folder, 20, "c")
    add_source(cli_desk, dovecot, folder, "desk-a")
    add_source(cli_desk, dovecot, folder, "desk-b")
    fetchers = [
        subprocess.Popen(
            [PYTHON, "-m", "accord", "mail", "fetch", "--source", name],
            env=cli_desk.env,
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for name in ("desk-a", "desk-b")
    ]
    for proc in fetchers:
        _, err = proc.communicate(timeout=300)
        assert b"Traceback" not in err
    # A fetcher that lost a race on the database lock leaves the message unflagged;
    # the next run picks it up. Nothing may be imported twice either way.
    for _ in range(3):
        if flagged(folder) == set(uids):
            break
        cli_desk.accord("mail", "fetch", "--source", "desk-a")
    assert flagged(folder) == set(uids)
    assert cli_desk.rows("SELECT count(*) FROM intake_rawmessage") == [(20,)]
    assert cli_desk.rows("SELECT count(DISTINCT subject), count(*) FROM tickets_request") == [
        (20, 20)
    ]


def poison() -> bytes:
    parts = b"".join(b"--b\nContent-Type: text/plain\n\npart\n" for _ in range(1100))
    return (
        b"From: mere@kiwi.example\nTo: support@capella.example\nSubject: poison\n"
        b"Message-ID: <poison@kiwi.example>\nMIME-Version: 1.0\n"
        b"Content-Type: multipart/mixed; boundary=b\n\n" + parts + b"--b--\n"
    )


def test_it_quarantines_a_poison_message_and_carries_on(
    cli_desk: CliDesk, dovecot: Any, make_folder: Any
) -> None:
    folder = make_folder()
    bad = folder.append(poison())
    good = fill(folder, 2, "p")
    add_source(cli_desk, dovecot, folder)
    done = cli_desk.accord("mail", "fetch")
    assert done.returncode == 0, done.stderr
    assert flagged(folder) == {bad, *good}
    rows = dict(cli_desk.rows("SELECT uid, state FROM intake_rawmessage"))
    assert rows == {bad: "quarantined", good[0]: "processed", good[1]: "processed"}
    ((raw,),) = cli_desk.rows("SELECT raw FROM intake_rawmessage WHERE uid = ?", bad)
    assert raw == poison().replace(b"\n", b"\r\n")  # as the IMAP server stores it
