"""Every message of the shared corpus goes through the desk with nothing lost."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mail.conftest import corpus_files

from accord.intake.mail.parse import parse_message
from accord.intake.models import RawMessage
from accord.tickets.models import Attachment
from intake.support import deliver


def test_it_ingests_every_corpus_message_with_nothing_lost(mail_desk: Any) -> None:
    files = corpus_files()
    assert len(files) >= 30
    outcomes: dict[Path, RawMessage] = {}
    for path in files:
        outcomes[path] = deliver(path.read_bytes()).raw
    for path, row in outcomes.items():
        raw = path.read_bytes()
        row.refresh_from_db()
        assert bytes(row.raw) == raw, path
        parsed = parse_message(raw)
        if row.state == "duplicate":
            assert row.duplicate_of is not None, path
            continue
        assert row.state == "processed", (path, row.state, row.reason)
        message = row.ticket_message
        assert message is not None, path
        stored = sorted(a.file.read() for a in Attachment.objects.filter(message=message))
        assert stored == sorted(a.data for a in parsed.walk_attachments()), path
        text, new = parsed.text.strip(), parsed.new_text.strip()
        if text:
            assert message.body_text in (text, new), path
            assert text in row.request.description or message.body_text == new, path
        else:
            assert message.body_text.startswith("[a message without text"), path
    assert RawMessage.objects.count() == len(files)
