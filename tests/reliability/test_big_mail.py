"""A message over ACCORD_MAIL_MAX_BYTES through the real `accord mail ingest`: stored whole
by streaming, never read into memory, opened from its headers, downloadable as sent.

(Peak memory for a 250 MB message is measured by benchmarks/big_mail_bench.py.)
"""

from __future__ import annotations

import hashlib
import os
from email.message import EmailMessage

from intake.support import CliDesk

LIMIT = 1024 * 1024


def _big(subject: str, attachment: bytes) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Mere <mere@kiwi.example>"
    msg["To"] = "support@capella.example"
    msg["Subject"] = subject
    msg["Date"] = "Fri, 20 Nov 2026 10:00:00 +1300"
    msg["Message-ID"] = "<big@kiwi.example>"
    msg.set_content("The export is attached: it crashes the import screen.")
    msg.add_attachment(attachment, maintype="application", subtype="zip", filename="export.zip")
    return msg.as_bytes()


def test_it_stores_a_message_over_the_limit_whole_and_opens_it_from_its_headers(
    cli_desk: CliDesk,
) -> None:
    raw = _big("Import screen crashes", os.urandom(3 * 1024 * 1024))
    done = cli_desk.accord("mail", "ingest", stdin=raw, ACCORD_MAIL_MAX_BYTES=str(LIMIT))
    assert done.returncode == 0, done.stderr
    assert b"processed -> SR-1001" in done.stdout
    ((stand_in, raw_file, size, sha, state),) = cli_desk.rows(
        "SELECT raw, raw_file, size, sha256, state FROM intake_rawmessage"
    )
    # The row holds the headers and a note, not the message; the store holds the message.
    assert len(stand_in) < 4096 and b"Subject: Import screen crashes" in stand_in
    assert (size, sha, state) == (len(raw), hashlib.sha256(raw).hexdigest(), "processed")
    stored = cli_desk.data_dir / "files" / raw_file
    assert stored.read_bytes() == raw
    assert oct(stored.stat().st_mode & 0o777) == "0o600"
    # The request: subject and sender from the headers, the note as its text, the
    # original attached for the agent, flagged, and the sender told.
    ((subject, flags),) = cli_desk.rows("SELECT subject, flags FROM tickets_request")
    assert subject == "Import screen crashes"
    assert "the whole message (text and attachments not read)" in flags
    ((body,),) = cli_desk.rows("SELECT body_text FROM tickets_message WHERE direction = 'inbound'")
    assert f"This message is {len(raw):,} bytes" in body
    assert cli_desk.rows("SELECT filename, content_type, size, file FROM tickets_attachment") == [
        ("original-message.eml", "message/rfc822", len(raw), raw_file)
    ]
    kinds = {k for (k,) in cli_desk.rows("SELECT kind FROM notify_outbox")}
    assert kinds == {"ack", "notice"}

    again = cli_desk.accord("mail", "ingest", stdin=raw, ACCORD_MAIL_MAX_BYTES=str(LIMIT))
    assert again.returncode == 0 and b"already stored" in again.stdout
    assert cli_desk.rows("SELECT count(*), max(deliveries) FROM intake_rawmessage") == [(1, 2)]


def test_a_message_within_the_limit_is_read_as_before(cli_desk: CliDesk) -> None:
    raw = _big("Small export", os.urandom(100 * 1024))
    done = cli_desk.accord("mail", "ingest", stdin=raw, ACCORD_MAIL_MAX_BYTES=str(LIMIT))
    assert done.returncode == 0, done.stderr
    assert cli_desk.rows("SELECT raw, raw_file FROM intake_rawmessage") == [(raw, "")]
    assert cli_desk.rows("SELECT filename FROM tickets_attachment") == [("export.zip",)]
