"""The result of parsing one message: frozen dataclasses, no behaviour beyond accessors."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any

from .charsets import clean_str


@dataclass(frozen=True)
class Address:
    name: str
    email: str  # lower-cased addr-spec

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email


@dataclass(frozen=True)
class Attachment:
    filename: str  # decoded, without any directory part, never empty
    content_type: str  # sniffed from the content when recognisable, else declared
    declared_type: str  # what the message said
    data: bytes  # decoded content (for message/rfc822: the embedded message's bytes)
    sha256: str
    inline: bool  # Content-Disposition: inline (or a cid-referenced part)
    content_id: str | None = None  # without angle brackets, for cid: references
    source: str = "mime"  # "mime", "uuencode" or "rfc822"
    message: ParsedMessage | None = None  # the parsed embedded message, if any

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class Bounce:
    """A delivery status notification (RFC 3464 multipart/report)."""

    original_message_id: str | None  # the Message-ID of the mail that failed
    recipients: tuple[str, ...]  # Final-Recipient / Original-Recipient addresses
    action: str | None  # failed, delayed, delivered, relayed, expanded
    status: str | None  # e.g. 5.1.1
    diagnostic: str | None


@dataclass(frozen=True)
class ParsedMessage:
    sha256: str  # of the raw bytes
    size: int
    message_id: str | None
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    subject: str
    from_addr: Address | None
    sender: Address | None
    reply_to: tuple[Address, ...]
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    date: datetime | None  # aware, UTC
    return_path: str | None  # None when absent, "" for the null path "<>"
    headers: tuple[tuple[str, str], ...]  # every header, decoded, in order
    text: str  # the whole plain text (rendered from HTML when there is no text part)
    new_text: str  # the text without the quoted history
    quoted_text: str  # the quoted history
    html: str | None  # the HTML body as sent
    html_sanitized: str | None  # safe for display (nh3); cid: links kept
    text_from_html: bool
    attachments: tuple[Attachment, ...]
    bounce: Bounce | None = None
    defects: tuple[str, ...] = field(default=())
    quarantine_reason: str | None = None

    @property
    def dedupe_key(self) -> str:
        """What identifies this message across deliveries: its Message-ID, else its hash."""
        if self.message_id:
            return f"id:{self.message_id}"
        return f"sha256:{self.sha256}"

    @property
    def quarantined(self) -> bool:
        return self.quarantine_reason is not None

    def header(self, name: str) -> str | None:
        """The first header of that name (case-insensitive), decoded."""
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None

    def header_all(self, name: str) -> list[str]:
        wanted = name.lower()
        return [value for key, value in self.headers if key.lower() == wanted]

    @property
    def inline_images(self) -> tuple[Attachment, ...]:
        return tuple(
            a for a in self.attachments if a.content_id and a.content_type.startswith("image/")
        )

    def walk_attachments(self) -> Iterator[Attachment]:
        """Every attachment, including those inside embedded messages, depth first."""
        for attachment in self.attachments:
            yield attachment
            if attachment.message is not None:
                yield from attachment.message.walk_attachments()

    def all_text(self) -> str:
        """This message's text followed by the text of every embedded message."""
        parts = [self.text]
        for attachment in self.walk_attachments():
            if attachment.message is not None and attachment.message.text:
                parts.append(attachment.message.text)
        return "\n\n".join(p for p in parts if p)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return clean_str(value)
    if isinstance(value, tuple):
        return tuple(_clean(v) for v in value)
    if isinstance(value, (Address, Bounce, Attachment, ParsedMessage)):
        changes = {f.name: _clean(getattr(value, f.name)) for f in fields(value)}
        return replace(value, **changes)
    return value  # bytes, int, bool, None, datetime


def cleaned(message: ParsedMessage) -> ParsedMessage:
    """The same message with every str safe for storage (see charsets.clean_str)."""
    result: ParsedMessage = _clean(message)
    return result
