"""Attachment files: stored under the data dir (MEDIA_ROOT), never under a web root.

Files are named by their SHA-256 (`mail/ab/abcd...`), never by the name the
sender chose, so a filename cannot traverse directories or overwrite anything;
the sender's name is kept only in the database. Attachments over the size
limits are not extracted: they stay in the raw message, and the caller tells
the agent and the sender.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from accord.intake.config import MailConfig
from accord.intake.mail.model import ParsedMessage
from accord.intake.text import clean_attachment_name
from accord.tickets.models import Attachment, Message


@dataclass(frozen=True)
class Skipped:
    filename: str
    size: int


def _path(sha256: str) -> str:
    return f"mail/{sha256[:2]}/{sha256}"


def save_bytes(sha256: str, data: bytes) -> str:
    """Store the content once under its hash; returns the storage name."""
    name = _path(sha256)
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(data))
    return name


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
                file=save_bytes(part.sha256, part.data),
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
