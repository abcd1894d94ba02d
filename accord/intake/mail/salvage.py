"""Last resort when the parser fails: keep what a plain line scanner can read.

The result carries ``quarantine_reason``; its text is the body decoded with the charset
fallbacks, its headers are the ``Name: value`` lines before the first blank line.
Nothing here raises.
"""

from __future__ import annotations

import hashlib
import re

from .charsets import decode_bytes
from .model import ParsedMessage

_HEADER = re.compile(rb"^([!-9;-~]+):[ \t]?(.*)$")


def _split(data: bytes) -> tuple[list[tuple[str, str]], bytes]:
    headers: list[tuple[bytes, bytes]] = []
    lines = data.split(b"\n")
    i = 0
    for i, line in enumerate(lines):  # noqa: B007 - i is used after the loop
        line = line.rstrip(b"\r")
        if not line:
            i += 1
            break
        if line[:1] in (b" ", b"\t") and headers:
            name, value = headers[-1]
            headers[-1] = (name, value + b" " + line.strip())
            continue
        match = _HEADER.match(line)
        if not match:
            break
        headers.append((match.group(1), match.group(2)))
    else:
        i = len(lines)
    body = b"\n".join(lines[i:])
    decoded = [(n.decode("ascii", "replace"), decode_bytes(v).text) for n, v in headers[:500]]
    return decoded, body


def _first(headers: list[tuple[str, str]], name: str) -> str | None:
    return next((v for k, v in headers if k.lower() == name), None)


def salvage(data: bytes, reason: str) -> ParsedMessage:
    digest = hashlib.sha256(data).hexdigest()
    headers: list[tuple[str, str]] = []
    text = ""
    message_id: str | None = None
    subject = ""
    try:
        headers, body = _split(data)
        text = decode_bytes(body).text.replace("\r\n", "\n")
        found = re.findall(r"<([^<>\s]+)>", _first(headers, "message-id") or "")
        message_id = found[0] if found else None
        subject = (_first(headers, "subject") or "").strip()
    except Exception:
        text = data.decode("latin-1")
    return ParsedMessage(
        sha256=digest,
        size=len(data),
        message_id=message_id,
        in_reply_to=(),
        references=(),
        subject=subject,
        from_addr=None,
        sender=None,
        reply_to=(),
        to=(),
        cc=(),
        date=None,
        return_path=None,
        headers=tuple(headers),
        text=text,
        new_text=text,
        quoted_text="",
        html=None,
        html_sanitized=None,
        text_from_html=False,
        attachments=(),
        bounce=None,
        defects=(),
        quarantine_reason=reason,
    )
