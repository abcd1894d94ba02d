"""`accord mail ingest` as an MTA pipe runs it: a subprocess on a file database."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from intake.support import CliDesk, message


def requests(desk: CliDesk) -> list[tuple[int, str]]:
    return desk.rows("SELECT number, subject FROM tickets_request ORDER BY number")


def test_it_stores_the_raw_bytes_and_opens_a_request(cli_desk: CliDesk) -> None:
    raw = message("Printing fails")
    done = cli_desk.accord("mail", "ingest", stdin=raw)
    assert done.returncode == 0, done.stderr
    stored = cli_desk.rows("SELECT raw, state, message_id, source FROM intake_rawmessage")
    assert stored == [(raw, "processed", "m1@kiwi.example", "pipe")]
    assert requests(cli_desk) == [(1001, "Printing fails")]
    assert b"-> SR-1001" in done.stdout


def test_it_creates_nothing_new_when_the_same_message_arrives_twice(cli_desk: CliDesk) -> None:
    raw = message("Printing fails")
    first = cli_desk.accord("mail", "ingest", stdin=raw)
    second = cli_desk.accord("mail", "ingest", stdin=raw)
    assert (first.returncode, second.returncode) == (0, 0)
    assert requests(cli_desk) == [(1001, "Printing fails")]
    assert cli_desk.rows("SELECT deliveries FROM intake_rawmessage") == [(2,)]
    assert cli_desk.rows("SELECT count(*) FROM notify_outbox") == [(1,)]


def test_it_creates_one_request_when_the_same_message_arrives_concurrently(
    cli_desk: CliDesk,
) -> None:
    raw = message("Printing fails", message_id="race@kiwi.example")
    results: list[int] = []

    def pipe() -> None:
        results.append(cli_desk.accord("mail", "ingest", stdin=raw).returncode)

    workers = [threading.Thread(target=pipe) for _ in range(6)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    # 75 would be fine for an MTA (it retries); what matters is exactly one request.
    assert set(results) <= {0, 75} and 0 in results
    assert requests(cli_desk) == [(1001, "Printing fails")]


def test_it_exits_75_while_the_database_is_locked_and_a_retry_stores_it_once(
    cli_desk: CliDesk,
) -> None:
    raw = message("Database was busy")
    lock = sqlite3.connect(cli_desk.db_path, timeout=1, isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")
    try:
        refused = cli_desk.accord("mail", "ingest", stdin=raw)
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    assert refused.returncode == 75, refused.stderr
    assert b"Traceback" not in refused.stderr
    assert b"try again" in refused.stderr
    assert requests(cli_desk) == []
    retried = cli_desk.accord("mail", "ingest", stdin=raw)
    again = cli_desk.accord("mail", "ingest", stdin=raw)
    assert (retried.returncode, again.returncode) == (0, 0)
    assert requests(cli_desk) == [(1001, "Database was busy")]


def test_it_exits_75_when_the_database_server_is_unreachable(cli_desk: CliDesk) -> None:
    start = time.monotonic()
    refused = cli_desk.accord(
        "mail",
        "ingest",
        stdin=message("Nobody home"),
        DATABASE_URL="postgresql://accord@127.0.0.1:9/accord",
    )
    assert refused.returncode == 75
    assert refused.stderr.startswith(b"accord mail ingest: temporary failure")
    assert b"Traceback" not in refused.stderr
    assert time.monotonic() - start < 60
    assert cli_desk.accord("mail", "ingest", stdin=message("Nobody home")).returncode == 0
    assert requests(cli_desk) == [(1001, "Nobody home")]


def test_it_exits_75_on_a_broken_configuration(cli_desk: CliDesk) -> None:
    refused = cli_desk.accord("mail", "ingest", stdin=message(), ACCORD_SMTP_URL="ftp://x")
    assert refused.returncode == 75
    assert b"ACCORD_SMTP_URL" in refused.stderr
    assert b"Traceback" not in refused.stderr


def test_it_keeps_garbage_input_without_a_traceback(cli_desk: CliDesk) -> None:
    for raw in (b"", b"\x00\xff\xfe garbage", b"Subject: only a header\n"):
        done = cli_desk.accord("mail", "ingest", stdin=raw)
        assert done.returncode == 0, done.stderr
        assert b"Traceback" not in done.stderr
    states = cli_desk.rows("SELECT raw, state FROM intake_rawmessage ORDER BY id")
    assert [r for r, _ in states] == [b"", b"\x00\xff\xfe garbage", b"Subject: only a header\n"]
    assert {s for _, s in states} <= {"processed", "quarantined"}


def test_it_retries_a_quarantined_message_once_the_cause_is_fixed(cli_desk: CliDesk) -> None:
    db = sqlite3.connect(cli_desk.db_path)
    db.execute("DELETE FROM intake_supportaddress")
    db.commit()
    done = cli_desk.accord("mail", "ingest", stdin=message("No address yet"))
    assert done.returncode == 0
    ((raw_id, state, reason),) = cli_desk.rows("SELECT id, state, reason FROM intake_rawmessage")
    assert state == "quarantined" and "no support address" in reason
    failed = cli_desk.accord("mail", "retry", str(raw_id))
    assert failed.returncode == 1
    db.execute(
        "INSERT INTO intake_supportaddress (email, name, policy, level, is_default) "
        "VALUES ('support@capella.example', 'Capella', 'capella', 'medium', 1)"
    )
    db.commit()
    db.close()
    retried = cli_desk.accord("mail", "retry", str(raw_id))
    assert retried.returncode == 0, retried.stderr
    assert requests(cli_desk) == [(1001, "No address yet")]


def test_it_syncs_every_commit_of_a_connection_that_stores_mail(mail_desk: object) -> None:
    from django.db import connection

    from intake.support import deliver

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL commits are durable whatever the session does")
    deliver(message("Durable"))
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        (level,) = cursor.fetchone()
    assert level == 2  # FULL, where the desk's connections default to NORMAL
