"""The parser returns a ParsedMessage for any input whatsoever, never an exception."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.intake.mail import parse as parse_module
from accord.intake.mail.loops import is_automated, strip_accord_headers
from accord.intake.mail.model import ParsedMessage
from accord.intake.mail.parse import MAX_PARTS, parse_message

from .conftest import corpus_files

CORPUS_BYTES = [p.read_bytes() for p in corpus_files()]
MIME_TOKENS = [
    b"\r\n", b"\n", b"\n\n", b"--", b"boundary=", b"Content-Type: multipart/mixed; boundary=x\n",
    b"--x\n", b"--x--\n", b"Content-Type: message/rfc822\n\n", b"=?utf-8?B?", b"?=", b"=?",
    b"Content-Transfer-Encoding: base64\n", b"Content-Transfer-Encoding: quoted-printable\n",
    b"Content-Transfer-Encoding: x-uuencode\n", b"begin 644 x\n", b"\nend\n", b"charset=",
    b"filename*0*=", b"utf-8''%ff%fe", b"\xff\xfe", b"\x00", b"<", b">", b"@", b";", b"\"",
    b"=\n", b"=ZZ", b"\t", b" ", b"From: ", b"Message-ID: ", b"Content-Disposition: attachment\n",
]  # fmt: skip


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, tuple):
        return [s for v in value for s in _strings(v)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [s for f in dataclasses.fields(value) for s in _strings(getattr(value, f.name))]
    return []


def _check(raw: bytes, result: ParsedMessage) -> None:
    assert isinstance(result, ParsedMessage)
    assert result.sha256 == hashlib.sha256(raw).hexdigest()
    assert result.size == len(raw)
    assert isinstance(result.text, str) and isinstance(result.subject, str)
    assert result.dedupe_key
    for text in _strings(result):  # every str can go to any database as it is
        text.encode("utf-8")
        assert "\x00" not in text
    assert isinstance(is_automated(result).automated, bool)  # the loop rules cope as well
    assert strip_accord_headers(result).sha256 == result.sha256


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_it_never_raises_on_arbitrary_bytes(raw: bytes) -> None:
    _check(raw, parse_message(raw))


@st.composite
def mutated_corpus_message(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(CORPUS_BYTES)))
    for _ in range(draw(st.integers(1, 12))):
        op = draw(st.sampled_from(["flip", "delete", "insert", "truncate", "duplicate"]))
        pos = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "flip" and data:
            data[pos] = draw(st.integers(0, 255))
        elif op == "delete" and data:
            del data[pos : pos + draw(st.integers(1, 64))]
        elif op == "insert":
            data[pos:pos] = draw(st.sampled_from(MIME_TOKENS))
        elif op == "truncate":
            del data[pos:]
        elif op == "duplicate" and data:
            data[pos:pos] = data[pos : pos + draw(st.integers(1, 512))]
    return bytes(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_corpus_message())
def test_it_never_raises_on_mutated_corpus_messages(raw: bytes) -> None:
    _check(raw, parse_message(raw))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(MIME_TOKENS), max_size=60))
def test_it_never_raises_on_mime_token_soup(tokens: list[bytes]) -> None:
    raw = b"".join(tokens)
    _check(raw, parse_message(raw))


def test_it_quarantines_too_many_parts_keeping_what_it_read() -> None:
    parts = b"".join(
        b"--b\nContent-Type: text/plain\n\npart %d\n" % i for i in range(MAX_PARTS + 50)
    )
    raw = b"Subject: many\nContent-Type: multipart/mixed; boundary=b\n\n" + parts + b"--b--\n"
    result = parse_message(raw)
    assert result.quarantine_reason is not None and "MIME parts" in result.quarantine_reason
    assert result.subject == "many" and "part 0" in result.text


def test_it_survives_very_deep_nesting() -> None:
    depth = 3000
    head = b"".join(
        b"Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n" % (i, i) for i in range(depth)
    )
    raw = b"Subject: deep\n" + head + b"Content-Type: text/plain\n\ninnermost\n"
    result = parse_message(raw)
    _check(raw, result)
    assert result.subject == "deep" and "innermost" in result.text


def test_it_salvages_headers_and_text_when_quarantined(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> ParsedMessage:
        raise RuntimeError("internal bug")

    monkeypatch.setattr(parse_module, "_from_message", broken)
    raw = (
        b"Subject: =?utf-8?q?caf=C3=A9?= ok\nMessage-ID: <a@b>\nX-Long: one\n two\n\n"
        b"Body caf\xc3\xa9 text\n"
    )
    result = parse_message(raw)
    assert result.quarantine_reason == "parser failed: RuntimeError: internal bug"
    assert result.message_id == "a@b" and result.dedupe_key == "id:a@b"
    assert ("X-Long", "one two") in result.headers
    assert "Body café text" in result.text
    assert result.sha256 == hashlib.sha256(raw).hexdigest()


def test_it_quarantines_empty_and_non_bytes_input() -> None:
    assert parse_message(b"").quarantine_reason == "empty message"
    weird: object = "not bytes"
    result = parse_message(weird)  # type: ignore[arg-type]
    assert result.quarantine_reason is not None and result.quarantine_reason.startswith(
        "input is not bytes"
    )
