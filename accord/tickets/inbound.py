"""The customer's own message that opens a request, and the files that come with it.

Every channel hands `open_request` a `FirstMessage` (mail: the parsed text,
sanitised HTML, attachments and whether it was automated; the portal: the form
and its uploads; voice: the transcript; the API and the desk: the description),
so the request, its first message and its acknowledgement are written together
and no intake path patches the request afterwards.

Files are stored by content (`accord.storage.put`, named by SHA-256, never by
the sender's name). The caller checks sizes before: what is over its limits
never reaches here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.urls import reverse

from accord.storage import put
from accord.tickets.models import Attachment, Message


@dataclass(frozen=True)
class NewFile:
    filename: str
    content_type: str
    data: bytes = field(repr=False)
    content_id: str = ""  # an inline image's Content-ID: `cid:` links in the HTML point at it
    # Already in the file store (a mail too large to read: accord/intake/oversize.py):
    # its name there and its size; `data` is then empty and never read.
    stored: str = ""
    stored_size: int = 0


@dataclass(frozen=True)
class FirstMessage:
    """What the customer sent. `html` is already sanitised; empty means "from the text"."""

    text: str
    html: str = ""
    files: Sequence[NewFile] = ()
    automated: bool = False


def store_files(message: Message, files: Sequence[NewFile]) -> list[Attachment]:
    """One Attachment row per file, inserted together, and the message's `cid:` links
    pointed at them (their ids come back from the insert)."""
    stored = Attachment.objects.bulk_create(
        [
            Attachment(
                message=message,
                filename=(f.filename or "attachment")[:255],
                content_type=(f.content_type or "application/octet-stream")[:100],
                size=f.stored_size if f.stored else len(f.data),
                file=f.stored or put(hashlib.sha256(f.data).hexdigest(), f.data),
            )
            for f in files
        ]
    )
    html = message.body_html
    for f, a in zip(files, stored, strict=True):
        if f.content_id and html:
            html = html.replace(f"cid:{f.content_id}", reverse("attachment", args=[a.pk]))
    if html != message.body_html:
        message.body_html = html
        message.save(update_fields=["body_html"])
    return stored
