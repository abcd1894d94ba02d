"""Attachments keep their bytes, get a safe name and a type sniffed from the content."""

from __future__ import annotations

import base64

from accord.intake.mail.parse import parse_message

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def _with_attachment(declared: str, filename: str, data: bytes) -> bytes:
    return (
        b"Subject: a\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=m\n\n"
        b"--m\nContent-Type: text/plain\n\nsee attached\n"
        b"--m\nContent-Type: " + declared.encode() + b"\n"
        b'Content-Disposition: attachment; filename="' + filename.encode() + b'"\n'
        b"Content-Transfer-Encoding: base64\n\n" + base64.b64encode(data) + b"\n--m--\n"
    )


def test_it_sniffs_the_type_from_the_content_not_the_label() -> None:
    (a,) = parse_message(_with_attachment("application/octet-stream", "scan", PNG)).attachments
    assert (a.content_type, a.declared_type, a.data) == (
        "image/png",
        "application/octet-stream",
        PNG,
    )
    (b,) = parse_message(_with_attachment("image/jpeg", "invoice.jpg", PDF)).attachments
    assert b.content_type == "application/pdf" and b.declared_type == "image/jpeg"


def test_it_falls_back_to_declared_type_then_extension() -> None:
    (a,) = parse_message(_with_attachment("text/csv", "data.csv", b"a,b\n1,2\n")).attachments
    assert a.content_type == "text/csv"
    (b,) = parse_message(
        _with_attachment("application/octet-stream", "notes.txt", b"hello")
    ).attachments
    assert b.content_type == "text/plain"


def test_it_strips_directories_and_control_characters_from_filenames() -> None:
    (a,) = parse_message(
        _with_attachment("text/plain", "../../etc/pass\\wd\x07.txt", b"x")
    ).attachments
    assert a.filename == "passwd_.txt"
    raw = _with_attachment("text/plain", "x", b"x").replace(
        b'filename="x"', b"filename*=utf-8''..%5C..%5Cwindows%5Cevil.exe"
    )
    assert [a.filename for a in parse_message(raw).attachments] == ["evil.exe"]
    (b,) = parse_message(_with_attachment("application/pdf", "", PDF)).attachments
    assert b.filename == "attachment-1.pdf"


def test_it_keeps_an_attachment_with_a_blank_body() -> None:
    raw = _with_attachment("application/pdf", "report.pdf", PDF).replace(b"see attached\n", b"\n")
    parsed = parse_message(raw)
    assert parsed.text == "" and [a.filename for a in parsed.attachments] == ["report.pdf"]


def test_it_decodes_x_uuencode_parts_and_uuencoded_blocks_in_text() -> None:
    import binascii

    encoded = b"".join(binascii.b2a_uu(PNG[i : i + 45]) for i in range(0, len(PNG), 45))
    inline = b"Subject: uu\n\nsee the file\n\nbegin 644 shot.png\n" + encoded + b"`\nend\nthanks\n"
    parsed = parse_message(inline)
    assert [(a.filename, a.content_type, a.data) for a in parsed.attachments] == [
        ("shot.png", "image/png", PNG)
    ]
    assert parsed.text == "see the file\n\n[attachment: shot.png]\nthanks"
    part = (
        b"Subject: uu\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=m\n\n"
        b"--m\nContent-Type: text/plain\n\nbody\n--m\nContent-Type: application/octet-stream\n"
        b'Content-Disposition: attachment; filename="shot.png"\nContent-Transfer-Encoding: x-uuencode\n\n'
        b"begin 644 shot.png\n" + encoded + b"`\nend\n--m--\n"
    )
    (a,) = parse_message(part).attachments
    assert (a.filename, a.content_type, a.data) == ("shot.png", "image/png", PNG)


def test_it_keeps_attached_messages_parsed_and_as_bytes() -> None:
    inner = b"From: a@x\nSubject: inner one\nMessage-ID: <inner@x>\n\ninner body\n"
    raw = (
        b"Subject: fwd\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=m\n\n"
        b"--m\nContent-Type: text/plain\n\nouter\n--m\nContent-Type: message/rfc822\n\n"
        + inner
        + b"--m--\n"
    )
    (a,) = parse_message(raw).attachments
    assert a.filename == "inner one.eml" and a.content_type == "message/rfc822"
    assert (
        a.message is not None
        and a.message.text == "inner body"
        and a.message.message_id == "inner@x"
    )
    assert b"inner body" in a.data


def test_it_keeps_other_message_subtypes_with_their_content() -> None:
    raw = (
        b"Subject: partial\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=m\n\n"
        b"--m\nContent-Type: text/plain\n\nsee part\n"
        b'--m\nContent-Type: message/partial; id="abc@x"; number=1; total=2\n\n'
        b"Subject: the big file\n\nfirst half of the data\n--m--\n"
    )
    (a,) = parse_message(raw).attachments
    assert a.declared_type == a.content_type == "message/partial" and a.source == "rfc822"
    assert b"first half of the data" in a.data
