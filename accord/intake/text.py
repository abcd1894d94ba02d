"""Text fit for every database: no NUL characters, no lone surrogates.

PostgreSQL refuses NUL in text columns and UTF-8 cannot encode lone surrogates;
mail can carry both. What the desk stores as text goes through `clean`; the raw
bytes are kept unchanged beside it.
"""

from __future__ import annotations

import dataclasses

from accord.intake.mail.model import Address, Attachment, ParsedMessage


def clean(value: str) -> str:
    if value.isascii() and "\x00" not in value:
        return value
    return value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def _address(a: Address | None) -> Address | None:
    return None if a is None else Address(clean(a.name), clean(a.email))


def storable(parsed: ParsedMessage) -> ParsedMessage:
    """The same message with every text the desk stores cleaned."""
    attachments = tuple(
        dataclasses.replace(a, filename=clean(a.filename) or "attachment")
        for a in parsed.attachments
    )
    return dataclasses.replace(
        parsed,
        message_id=clean(parsed.message_id) if parsed.message_id else parsed.message_id,
        subject=clean(parsed.subject),
        from_addr=_address(parsed.from_addr),
        sender=_address(parsed.sender),
        to=tuple(a for a in (_address(x) for x in parsed.to) if a is not None),
        cc=tuple(a for a in (_address(x) for x in parsed.cc) if a is not None),
        text=clean(parsed.text),
        new_text=clean(parsed.new_text),
        quoted_text=clean(parsed.quoted_text),
        html_sanitized=clean(parsed.html_sanitized) if parsed.html_sanitized else None,
        attachments=attachments,
    )


def clean_attachment_name(a: Attachment) -> str:
    return clean(a.filename) or "attachment"
