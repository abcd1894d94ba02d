"""Messages are identified by Message-ID, or by the sha256 of their bytes without one."""

from __future__ import annotations

import hashlib

from accord.intake.mail.parse import parse_message


def test_it_identifies_a_message_by_its_message_id() -> None:
    one = parse_message(b"Message-ID: <x@y>\nReceived: by a\n\nbody\n")
    two = parse_message(b"Received: by b\nMessage-ID: < x@y>\n\nbody\n")
    assert one.dedupe_key == two.dedupe_key == "id:x@y"


def test_it_identifies_a_message_without_id_by_the_hash_of_its_bytes() -> None:
    raw = b"Subject: no id\n\nbody\n"
    parsed = parse_message(raw)
    assert parsed.message_id is None
    assert parsed.dedupe_key == "sha256:" + hashlib.sha256(raw).hexdigest()
    assert parse_message(raw + b"more").dedupe_key != parsed.dedupe_key
