"""Broken MIME still yields the text and the attachments that are there."""

from __future__ import annotations

from accord.intake.mail.parse import parse_message


def test_it_reads_a_multipart_without_boundary_as_text() -> None:
    parsed = parse_message(b"Subject: x\nContent-Type: multipart/mixed\n\nthe actual words\n")
    assert parsed.quarantine_reason is None and "the actual words" in parsed.text


def test_it_keeps_the_parts_of_an_unterminated_multipart() -> None:
    raw = (
        b"Subject: x\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\n"
        b"first part\n--b\nContent-Type: application/pdf\nContent-Disposition: attachment; filename=a.pdf\n\n"
        b"%PDF-1.4 truncated"
    )
    parsed = parse_message(raw)
    assert parsed.text == "first part"
    assert [(a.filename, a.content_type) for a in parsed.attachments] == [
        ("a.pdf", "application/pdf")
    ]


def test_it_survives_broken_transfer_encodings() -> None:
    raw = (
        b"Subject: x\nContent-Type: multipart/mixed; boundary=b\n\n"
        b"--b\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
        b"caf=C3=A9 =ZZ broken=\n soft\n"
        b"--b\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
        b"aGVsbG8gd29ybGQ!!!===\n--b--\n"
    )
    parsed = parse_message(raw)
    assert parsed.quarantine_reason is None
    assert "café =ZZ broken soft" in parsed.text and "hello world" in parsed.text


def test_it_keeps_a_body_after_a_line_that_is_not_a_header() -> None:
    parsed = parse_message(b"Subject: x\nthis is not a header\nmore text\n")
    assert parsed.subject == "x" and "this is not a header" in parsed.text


def test_it_reads_a_declared_charset_that_does_not_exist() -> None:
    raw = b"Subject: x\nContent-Type: text/plain; charset=no-such-charset\n\nna\xc3\xafve\n"
    assert parse_message(raw).text == "naïve"
