"""Headers decode to text whatever the sender did with charsets."""

from __future__ import annotations

import base64

from accord.intake.mail.parse import parse_message


def _subject(raw_header: bytes, extra: bytes = b"") -> str:
    return parse_message(b"Subject: " + raw_header + b"\n" + extra + b"\nbody\n").subject


def test_it_decodes_rfc2047_words_in_q_and_b_encoding() -> None:
    assert _subject(b"=?iso-8859-1?q?Gr=FC=DFe_aus_K=F6ln?=") == "Grüße aus Köln"
    assert _subject(b"=?UTF-8?B?w4dhIHZh?=") == "Ça va"


def test_it_joins_a_multibyte_character_split_across_two_encoded_words() -> None:
    data = "Größe".encode()
    first, second = base64.b64encode(data[:3]).decode(), base64.b64encode(data[3:]).decode()
    header = f"=?utf-8?b?{first}?=\n =?utf-8?b?{second}?=".encode()
    assert _subject(header) == "Größe"


def test_it_keeps_plain_text_between_encoded_words() -> None:
    assert _subject(b"Re: =?utf-8?q?caf=C3=A9?= and =?utf-8?q?th=C3=A9?=") == "Re: café and thé"


def test_it_decodes_raw_8bit_utf8_headers() -> None:
    assert _subject("Überweisung fehlgeschlagen".encode()) == "Überweisung fehlgeschlagen"
    latin_body = b"Content-Type: text/plain; charset=iso-8859-1\n"
    assert _subject("Überweisung".encode(), latin_body) == "Überweisung"
    assert _subject("Überweisung".encode("latin-1"), latin_body) == "Überweisung"


def test_it_falls_back_to_the_body_charset_for_raw_8bit_headers() -> None:
    raw_subject = "Привет".encode("koi8-r")
    assert _subject(raw_subject, b"Content-Type: text/plain; charset=koi8-r\n") == "Привет"


def test_it_guesses_a_legacy_charset_when_none_is_declared() -> None:
    assert _subject("Crème brûlée".encode("cp1252")) == "Crème brûlée"
    assert _subject("тест сообщение".encode("cp1251")) == "тест сообщение"


def test_it_survives_an_unknown_or_wrong_charset_label() -> None:
    assert _subject(b"=?x-unknown?q?caf=C3=A9?=") == "café"
    assert _subject(b"=?us-ascii?q?caf=E9?=") == "café"
    assert _subject(b"=?base64?q?abc?=") == "abc"


def test_it_tolerates_bad_base64_padding_in_encoded_words() -> None:
    assert _subject(b"=?gb18030?B?suLK1A===?=") == "测试"


def test_it_decodes_rfc2231_continued_parameters() -> None:
    raw = (
        b"Subject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\n"
        b"Content-Type: application/octet-stream\n"
        b"Content-Disposition: attachment;\n filename*0*=utf-8''Rechnung%20M%C3%A4rz;\n"
        b" filename*1*=%202026;\n filename*2=.pdf\n\nPDFDATA\n--b--\n"
    )
    (attachment,) = parse_message(raw).attachments
    assert attachment.filename == "Rechnung März 2026.pdf"


def test_it_normalises_message_ids_and_references() -> None:
    raw = (
        b"Message-ID:\n <abc.123@Example.COM >\n"
        b"In-Reply-To: <parent@x.example> (Jakob's message of Sat, 28 Jun 2003)\n"
        b"References: <a@x>\n\t<b@x> <parent@x.example>\n <a@x>\n\nbody\n"
    )
    parsed = parse_message(raw)
    assert parsed.message_id == "abc.123@Example.COM"
    assert parsed.in_reply_to == ("parent@x.example",)
    assert parsed.references == ("a@x", "b@x", "parent@x.example")


def test_it_decodes_addresses_with_encoded_and_quoted_names() -> None:
    raw = (
        b"From: =?utf-8?q?M=C3=BCller=2C_Anna?= <Anna.Mueller@Example.ORG>\n"
        b'To: "Support, Team" <support@desk.example>, other@desk.example\n'
        b"Cc: broken <<>>, x@y.example\n\nbody\n"
    )
    parsed = parse_message(raw)
    assert parsed.from_addr is not None
    assert (parsed.from_addr.name, parsed.from_addr.email) == (
        "Müller, Anna",
        "anna.mueller@example.org",
    )
    assert [a.email for a in parsed.to] == ["support@desk.example", "other@desk.example"]
    assert "x@y.example" in [a.email for a in parsed.cc]


def test_it_reads_an_empty_return_path_as_the_null_sender() -> None:
    assert parse_message(b"Return-Path: <>\n\nx\n").return_path == ""
    assert parse_message(b"Return-Path: <Bob@X.example>\n\nx\n").return_path == "bob@x.example"
    assert parse_message(b"Subject: y\n\nx\n").return_path is None


def test_it_converts_dates_to_utc_and_ignores_garbage_dates() -> None:
    parsed = parse_message(b"Date: Mon, 26 May 2003 18:11:00 +0200\n\nx\n")
    assert parsed.date is not None and parsed.date.isoformat() == "2003-05-26T16:11:00+00:00"
    assert parse_message(b"Date: yesterday-ish\n\nx\n").date is None


def test_it_leaves_no_raw_bytes_or_nul_in_any_text_field() -> None:
    raw = (
        b"Message-ID: <caf\xe9@x.example>\nReturn-Path: <b\xf6b@x.example>\n"
        b"Subject: a\x00b\nContent-Type: text/plain; charset=utf-8\n\nnul\x00here\n"
    )
    parsed = parse_message(raw)
    assert parsed.message_id == "café@x.example"
    assert parsed.return_path == "böb@x.example"
    assert parsed.subject == "a\ufffdb" and parsed.text == "nul\ufffdhere"
