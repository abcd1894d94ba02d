"""Messages too large to read: stored whole by streaming, opened from their headers.

`accord mail ingest` reads its message from the MTA's pipe in chunks into a
spool (memory up to `SPOOL_IN_MEMORY`, then a temporary file), hashing and
counting as it goes. A message within `ACCORD_MAIL_MAX_BYTES` is then read
into memory and ingested as always. A larger one never is:

- the whole message goes to the file store under its SHA-256, copied in
  chunks from the spool (`accord.storage.put_file`, verified after writing);
- the row keeps a stand-in (`RawMessage.raw`): the message's own headers (at
  most `HEADER_LIMIT` bytes of them) and a note saying what was not read, and
  `raw_file` names the stored original; `sha256` and `size` are the original's,
  so a redelivery of the same message is recognised as a duplicate;
- processing parses the stand-in like any mail (routing, threading, sender,
  subject, loop rules all come from headers), attaches the original as
  `original-message.eml` for the agent to download, flags the request
  (`oversize_attachment`) and tells the sender, as for any part over the limits.

So peak memory does not grow with the message: chunks, the headers and the
stand-in (benchmarks/big_mail_bench.py measures a 250 MB message).
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, replace
from datetime import datetime
from typing import IO, BinaryIO

from accord.intake.identity import mail_config
from accord.intake.mail.parse import parse_message
from accord.intake.pipeline import Result, ingest
from accord.intake.store import Origin
from accord.storage import CHUNK, put_file

# Spooled in memory up to this size, then in a temporary file.
SPOOL_IN_MEMORY = 8 * 1024 * 1024
# The headers kept in the stand-in of a message too large to read.
HEADER_LIMIT = 256 * 1024


class TooLarge(Exception):
    """The stream is longer than the caller's limit."""


@dataclass
class Spooled:
    """A message read from a stream: where its bytes are, their hash and size, its
    header block (up to HEADER_LIMIT)."""

    file: IO[bytes]
    sha256: str
    size: int
    headers: bytes


def spool(stream: BinaryIO, limit: int) -> Spooled:
    """Read `stream` to its end in chunks; raises TooLarge past `limit` bytes."""
    out: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
    digest = hashlib.sha256()
    size = 0
    head = b""
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > limit:
            out.close()
            raise TooLarge(f"message larger than {limit} bytes")
        digest.update(chunk)
        out.write(chunk)
        if len(head) < HEADER_LIMIT:
            head += chunk[: HEADER_LIMIT - len(head)]
    out.seek(0)
    return Spooled(out, digest.hexdigest(), size, header_block(head))


def header_block(head: bytes) -> bytes:
    """The header lines of a message prefix: up to the first empty line, whole lines only."""
    for end in (b"\r\n\r\n", b"\n\n"):
        at = head.find(end)
        if at != -1:
            return head[: at + len(end) // 2]
    # No end of headers within the limit: keep whole lines only.
    cut = head.rfind(b"\n")
    return head[: cut + 1] if cut != -1 else b""


def stand_in(spooled: Spooled, limit: int) -> bytes:
    """The row's `raw` for a message too large to read: its headers and a note."""
    # The body below is plain text of our own: the original's MIME structure
    # headers would describe parts that are not there.
    kept = [
        b"".join(lines)
        for lines in _fields(spooled.headers)
        if not lines[0].lower().startswith(MIME_FIELDS)
    ]
    note = (
        f"[This message is {spooled.size:,} bytes, over the desk's limit of {limit:,} bytes "
        "(ACCORD_MAIL_MAX_BYTES). It was stored whole but not read: its text and "
        f"attachments are in the attached original-message.eml (SHA-256 {spooled.sha256}).]\n"
    )
    return (
        b"".join(kept).rstrip(b"\r\n")
        + b"\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
        + note.encode()
    )


MIME_FIELDS = (b"content-type:", b"content-transfer-encoding:")


def _fields(headers: bytes) -> list[list[bytes]]:
    """Header fields as their lines (a field with its folded continuation lines)."""
    fields: list[list[bytes]] = []
    for line in headers.splitlines(keepends=True):
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1].append(line)
        elif line.strip():
            fields.append([line])
    return fields


def ingest_stream(
    stream: BinaryIO, origin: Origin, limit: int, now: datetime | None = None
) -> Result:
    """Ingest one message read from `stream` (the MTA pipe); returns the pipeline's Result.

    Raises TooLarge past `limit` bytes, OSError when the stream or the spool fails, StorageUnavailable (temporary) when the
    file store cannot take a large message, and what `pipeline.ingest` raises.
    """
    spooled = spool(stream, limit)
    try:
        max_bytes = mail_config().message_max_bytes
        if spooled.size <= max_bytes:
            return ingest(spooled.file.read(), origin, now)
        name = put_file(spooled.sha256, spooled.size, spooled.file)
        raw = stand_in(spooled, max_bytes)
        parsed = replace(parse_message(raw), sha256=spooled.sha256, size=spooled.size)
        return ingest(raw, origin, now, parsed=parsed, raw_file=name)
    finally:
        spooled.file.close()
