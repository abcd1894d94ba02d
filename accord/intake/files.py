"""Attachment files: stored under the data dir (MEDIA_ROOT), never under a web root.

Files are named by their SHA-256 (`mail/ab/abcd...`), never by the name the
sender chose, so a filename cannot traverse directories or overwrite anything;
the sender's name is kept only in the database. Attachments over the size
limits are not extracted: they stay in the raw message, and the caller tells
the agent and the sender.
"""

from __future__ import annotations

from dataclasses import dataclass

from accord.intake.config import MailConfig
from accord.intake.mail.model import ParsedMessage
from accord.intake.text import clean_attachment_name
from accord.storage import put, verify
from accord.tickets.inbound import NewFile, store_files
from accord.tickets.models import Attachment, Message


@dataclass(frozen=True)
class Skipped:
    filename: str
    size: int


# The attachment name of a whole message stored unread (too large).
ORIGINAL_NAME = "original-message.eml"


def mail_files(
    parsed: ParsedMessage, cfg: MailConfig, raw_file: str = ""
) -> tuple[list[NewFile], list[Skipped]]:
    """The parts to store (embedded messages' parts too) and those over the size limits.

    `raw_file`: the whole message, already in the file store because it was too
    large to read (accord/intake/oversize.py); it is attached as `original-message.eml`
    so the agent can download what the customer sent.
    """
    whole_too_big = parsed.size > cfg.message_max_bytes
    files: list[NewFile] = []
    skipped: list[Skipped] = []
    for part in parsed.walk_attachments():
        if whole_too_big or part.size > cfg.attachment_max_bytes:
            skipped.append(Skipped(part.filename, part.size))
            continue
        files.append(
            NewFile(
                clean_attachment_name(part),
                part.content_type,
                part.data,
                part.content_id or "",
            )
        )
    if raw_file:
        files.append(
            NewFile(ORIGINAL_NAME, "message/rfc822", b"", stored=raw_file, stored_size=parsed.size)
        )
        # Nothing of it was read but the headers: flagged and told like any part
        # over the limits (the agent downloads the original to read it).
        skipped.append(Skipped("the whole message (text and attachments not read)", parsed.size))
    return files, skipped


def store_attachments(
    message: Message, parsed: ParsedMessage, cfg: MailConfig, raw_file: str = ""
) -> tuple[list[Attachment], list[Skipped]]:
    """One Attachment row per part within the limits, inline images linked."""
    files, skipped = mail_files(parsed, cfg, raw_file)
    return store_files(message, files), skipped


@dataclass(frozen=True)
class FileCheck:
    """One stored file that failed its check, and what `verify_files` did about it."""

    name: str
    problem: str
    repaired: bool
    note: str


def verify_files(*, repair: bool = False) -> tuple[int, list[FileCheck]]:
    """Check every stored attachment file against its hash; (files checked, bad ones).

    With `repair`, a bad file is written again from a raw message that carries the
    same bytes (any message: the store is by content). Raises StorageUnavailable
    when the store cannot be read at all.
    """
    from accord.intake.mail.parse import parse_message
    from accord.intake.models import RawMessage

    seen: dict[str, int] = {}
    for name, size in Attachment.objects.values_list("file", "size").order_by("id"):
        seen.setdefault(name, size)
    bad: list[FileCheck] = []
    for name, size in seen.items():
        sha256 = name.rsplit("/", 1)[-1]
        problem = verify(name, sha256, size)
        if problem is None:
            continue
        if not repair:
            bad.append(FileCheck(name, problem, False, ""))
            continue
        sources = (
            RawMessage.objects.filter(ticket_message__attachments__file=name)
            .values_list("pk", flat=True)
            .distinct()
        )
        note = "no raw message holds these bytes"
        repaired = False
        for raw_id in sources:
            raw = RawMessage.objects.only("raw").get(pk=raw_id)
            parsed = parse_message(bytes(raw.raw))
            part = next((p for p in parsed.walk_attachments() if p.sha256 == sha256), None)
            if part is not None:
                put(sha256, part.data)
                repaired, note = True, f"rewritten from raw message {raw_id}"
                break
        bad.append(FileCheck(name, problem, repaired, note))
    return len(seen), bad
