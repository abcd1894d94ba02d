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
from accord.tickets.models import Attachment, Message


@dataclass(frozen=True)
class Skipped:
    filename: str
    size: int


def store_attachments(
    message: Message, parsed: ParsedMessage, cfg: MailConfig
) -> tuple[list[Attachment], list[Skipped]]:
    """One Attachment row per part (embedded messages' parts too), within the limits."""
    whole_too_big = parsed.size > cfg.message_max_bytes
    stored: list[Attachment] = []
    skipped: list[Skipped] = []
    for part in parsed.walk_attachments():
        if whole_too_big or part.size > cfg.attachment_max_bytes:
            skipped.append(Skipped(part.filename, part.size))
            continue
        stored.append(
            Attachment.objects.create(
                message=message,
                filename=clean_attachment_name(part)[:255],
                content_type=part.content_type[:100],
                size=part.size,
                file=put(part.sha256, part.data),
            )
        )
    return stored, skipped


def link_inline_images(html: str, parsed: ParsedMessage, stored: list[Attachment]) -> str:
    """Point `cid:` references of the sanitised HTML at the attachment view."""
    from django.urls import reverse

    by_name = {a.filename: a for a in stored}
    for part in parsed.attachments:
        if not part.content_id or part.filename not in by_name:
            continue
        url = reverse("attachment", args=[by_name[part.filename].pk])
        html = html.replace(f"cid:{part.content_id}", url)
    return html


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
