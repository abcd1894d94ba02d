"""Every message of the shared corpus parses with nothing lost.

The oracle is independent of the parser under test: the stdlib's compat32 parser walks
each raw message, and every leaf it finds must be visible in our result, text leaves
as text (their words) and binary leaves as an attachment with identical bytes.
"""

from __future__ import annotations

import email
import hashlib
import re
from email.message import Message
from pathlib import Path

import pytest

from accord.intake.mail.model import ParsedMessage
from accord.intake.mail.parse import parse_message

from .conftest import CORPUS, corpus_files

_WORD = re.compile(r"[A-Za-z]{5,}")
_UUBLOCK = re.compile(r"^begin [0-7]{3} (\S+)\r?\n.*?^end\r?$", re.S | re.M)


def _all_text(parsed: ParsedMessage) -> str:
    chunks = [parsed.all_text(), parsed.html or ""]
    for attachment in parsed.walk_attachments():
        chunks.append(attachment.data.decode("utf-8", "replace"))
        chunks.append(attachment.data.decode("latin-1"))
        if attachment.message is not None:
            chunks.append(attachment.message.html or "")
    return "\n".join(chunks)


def _leaves(msg: Message) -> list[Message]:
    return [p for p in msg.walk() if not p.is_multipart()]


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: str(p.relative_to(CORPUS)))
def test_it_parses_every_corpus_message_without_loss(path: Path) -> None:
    raw = path.read_bytes()
    parsed = parse_message(raw)
    assert parsed.quarantine_reason is None
    assert parsed.size == len(raw)
    everything = _all_text(parsed)
    attachment_hashes = {a.sha256 for a in parsed.walk_attachments()}
    for leaf in _leaves(email.message_from_bytes(raw)):
        payload = leaf.get_payload(decode=True)
        if not isinstance(payload, bytes) or not payload.strip():
            continue
        if (
            leaf.get_content_maintype() == "text"
            or leaf.get_content_type() == "message/delivery-status"
        ):
            # uuencoded blocks become attachments (checked below by name)
            text = _UUBLOCK.sub("", payload.decode("latin-1"))
            words = set(_WORD.findall(text))
            for name in _UUBLOCK.findall(payload.decode("latin-1")):
                assert name in {a.filename for a in parsed.attachments}
            missing = {w for w in words if w not in everything}
            assert not missing, f"words lost from a text part: {sorted(missing)[:10]}"
        else:
            assert hashlib.sha256(payload).hexdigest() in attachment_hashes, leaf.get_content_type()
    for attachment in parsed.walk_attachments():
        assert attachment.filename and "/" not in attachment.filename
        assert attachment.size == len(attachment.data)
    oracle_headers = [k.lower() for k in email.message_from_bytes(raw)]
    assert [k.lower() for k, _ in parsed.headers] == oracle_headers


EXPECTED_TEXT = {
    "rt/8859-15-message-series_msg1": ("test äöüßÄÖÜß€", "test äöüßÄÖÜß€"),
    "rt/new-ticket-from-gb18030": ("测试", "测试"),
    "rt/russian-subject-no-content-type": ("тест тест", "ТЕСТ"),
    "rt/new-ticket-from-iso-8859-1": ("Re: rt-3.0.3pre1", "Håvard"),
    "rt/multipart-alternative-with-umlaut": (
        "RE: [rt-users] HTML-encoded mails with umlaute",
        "Grüßen",
    ),
    "rt/text-html-with-umlaut": (
        "An example of mail containing text-html with an umlaut in the content",
        "Mit freundlichen Grüßen",
    ),
    "rt/subject-with-folding-ws": ("test", "test"),
    "rt/rfc2231-attachment-filename-continuations": (
        "Client ? Japanese Attachment Name issue",
        "Some data in a file",
    ),
    "django-helpdesk/quoted_printable.eml": ("Český test", "českých písmen"),
    "django-helpdesk/all-special-chars.eml": ("Testovácí email", "íářčšáíéřášč"),
    "django-helpdesk/utf-nondecodable.eml": (
        "Fwd: Cyklozaměstnavatel - změna vyhodnocení",
        "poprosila o změnu",
    ),
    "rt/outlook-rfc822": ("msg attachment", "“Check out the attached file.” 😊"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED_TEXT))
def test_it_decodes_corpus_subjects_and_bodies_in_the_right_charset(name: str) -> None:
    parsed = parse_message((CORPUS / name).read_bytes())
    subject, snippet = EXPECTED_TEXT[name]
    assert parsed.subject == subject
    assert snippet in parsed.text


def test_it_renders_html_only_corpus_mail_as_text() -> None:
    parsed = parse_message((CORPUS / "rt/text-html-with-umlaut").read_bytes())
    assert parsed.text_from_html
    assert "<" not in parsed.text
    assert parsed.html_sanitized is not None and "META" not in parsed.html_sanitized


def test_it_decodes_rfc2231_continued_filenames_from_the_corpus() -> None:
    parsed = parse_message((CORPUS / "rt/rfc2231-attachment-filename-continuations").read_bytes())
    names = [a.filename for a in parsed.attachments]
    assert names == ["新しいテキスト ドキュメント.txt"]
    assert "新しいテキスト" in parsed.attachments[0].data.decode("utf-8")


def test_it_extracts_uuencoded_attachments_from_the_corpus() -> None:
    parsed = parse_message((CORPUS / "rt/notes-uuencoded").read_bytes())
    (jpeg,) = parsed.attachments
    assert (jpeg.filename, jpeg.content_type, jpeg.source) == (
        "Naz_Head.jpg",
        "image/jpeg",
        "uuencode",
    )
    assert jpeg.data.startswith(b"\xff\xd8") and jpeg.size > 100_000
    assert "begin 644" not in parsed.text and "Lotus Notes" in parsed.text


def test_it_keeps_nested_rfc822_messages_as_attachments_with_their_text() -> None:
    parsed = parse_message((CORPUS / "rt/nested-rfc-822").read_bytes())
    (forwarded,) = parsed.attachments
    assert forwarded.content_type == "message/rfc822" and forwarded.message is not None
    assert forwarded.message.message_id == "877k76uxk2.fsf@example.com"
    assert "Jag skulle kunna" in forwarded.message.new_text
    assert "Jag skulle kunna" in parsed.all_text()
    assert parse_message(forwarded.data).message_id == forwarded.message.message_id


def test_it_walks_nested_digests_to_the_innermost_message() -> None:
    parsed = parse_message((CORPUS / "rt/nested-mime-sample").read_bytes())
    subjects = [a.message.subject for a in parsed.walk_attachments() if a.message is not None]
    assert subjects.count("This is the inner-most message") == 4
    assert "MIME is fun at times." in parsed.text


def test_it_separates_history_in_corpus_replies() -> None:
    full = parse_message((CORPUS / "rt/new-ticket-from-iso-8859-1-full").read_bytes())
    assert full.new_text.startswith("Hello again,")
    assert "This patch didn't help us out." in full.quoted_text
    assert "This patch" not in full.new_text
    forwarded = parse_message((CORPUS / "django-helpdesk/forwarded-message.eml").read_bytes())
    assert forwarded.new_text == "This is email body"
    assert forwarded.quoted_text.startswith("-----Original Message-----")
