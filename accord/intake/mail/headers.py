"""Header decoding: unfolding, raw 8-bit bytes, RFC 2047 encoded words, addresses, ids, dates.

Everything here takes the raw header value as the ``email`` parser stores it (a str in
which undecodable bytes are surrogate escapes) and never raises.
"""

from __future__ import annotations

import base64
import binascii
import email.utils
import quopri
import re
from datetime import UTC, datetime

from .charsets import decode_bytes
from .model import Address

_FOLD = re.compile(r"\r?\n(?=[ \t])|\r(?=[ \t])")
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([QqBb])\?([^?\s]*)\?=")
_BETWEEN_WORDS = re.compile(r"[ \t\r\n]*")
_ANGLE_ID = re.compile(r"<([^<>]*)>")
_WS = re.compile(r"\s+")


def raw_bytes(value: str) -> bytes:
    """The original bytes of a header value kept by the parser as surrogate escapes."""
    return value.encode("utf-8", "surrogateescape")


def has_surrogates(value: str) -> bool:
    """Whether a str holds raw bytes the parser could not decode (surrogate escapes)."""
    return any("\udc80" <= ch <= "\udcff" for ch in value)


def unfold(value: str) -> str:
    return _FOLD.sub("", value).strip("\r\n")


def _decode_word_payload(encoding: str, payload: str) -> bytes:
    if encoding in "Bb":
        data = payload.rstrip("=")
        data += "=" * (-len(data) % 4)
        try:
            return base64.b64decode(data.encode("ascii", "ignore"))
        except (binascii.Error, ValueError):
            return base64.b64decode(data[: len(data) // 4 * 4].encode("ascii", "ignore") or b"")
    return quopri.decodestring(payload.replace("_", " ").encode("ascii", "ignore"), header=False)


def decode_text(value: str, fallback_charsets: tuple[str | None, ...] = ()) -> str:
    """Decode a header value: unfold, raw 8-bit bytes, then RFC 2047 encoded words.

    Adjacent encoded words in the same charset are joined as bytes before decoding, so a
    multi-byte character split across two words survives. Whitespace between encoded
    words is dropped as RFC 2047 says.
    """
    try:
        text = unfold(value)
        if has_surrogates(text):
            # Raw UTF-8 (RFC 6532) first: valid UTF-8 is rarely anything else.
            text = decode_bytes(raw_bytes(text), ("utf-8", *fallback_charsets)).text
        out: list[str] = []
        pos = 0
        pending: tuple[str, bytearray] | None = None

        def flush() -> None:
            nonlocal pending
            if pending is not None:
                out.append(decode_bytes(bytes(pending[1]), (pending[0],)).text)
                pending = None

        for match in _ENCODED_WORD.finditer(text):
            gap = text[pos : match.start()]
            if pending is not None and not _BETWEEN_WORDS.fullmatch(gap):
                flush()
            if pending is None and gap:
                out.append(gap)
            charset = match.group(1).split("*", 1)[0]
            chunk = _decode_word_payload(match.group(2), match.group(3))
            if pending is not None and pending[0].lower() != charset.lower():
                flush()
            if pending is None:
                pending = (charset, bytearray())
            pending[1].extend(chunk)
            pos = match.end()
        flush()
        out.append(text[pos:])
        return "".join(out).replace("\r", "").replace("\n", " ")
    except Exception:  # pragma: no cover - defensive: decoding must never fail the parse
        return value.encode("utf-8", "surrogateescape").decode("latin-1")


def parse_addresses(
    values: list[str], fallback: tuple[str | None, ...] = ()
) -> tuple[Address, ...]:
    """All addresses in the given header values, display names decoded, emails lower-cased."""
    found: list[Address] = []
    seen: set[tuple[str, str]] = set()
    for value in values:
        text = unfold(value)
        if has_surrogates(text):
            text = decode_bytes(raw_bytes(text), ("utf-8", *fallback)).text
        try:
            pairs = email.utils.getaddresses([text])
        except Exception:
            pairs = []
        if not any(addr for _, addr in pairs):
            # The strict parser gives up on the whole header; pick the addresses out.
            pairs = [("", m) for m in re.findall(r"[^\s<>,;:\"()]+@[^\s<>,;:\"()]+", text)]
        for name, addr in pairs:
            addr = addr.strip().strip("<>").strip()
            if not addr:
                continue
            item = (decode_text(name, fallback).strip().strip('"').strip(), addr.lower())
            if item not in seen:
                seen.add(item)
                found.append(Address(name=item[0], email=item[1]))
    return tuple(found)


def normalize_id(token: str) -> str:
    return _WS.sub("", token).strip("<>")


def parse_ids(value: str | None) -> tuple[str, ...]:
    """Message ids in a Message-ID/In-Reply-To/References value, without angle brackets.

    Comments such as Gnus' ``(X's message of ...)`` are ignored; ids without brackets
    are accepted when they contain an ``@``. Duplicates are dropped, order kept.
    """
    if not value:
        return ()
    text = unfold(value)
    ids = [normalize_id(m) for m in _ANGLE_ID.findall(text)]
    if not ids:
        ids = [normalize_id(tok) for tok in text.split() if "@" in tok]
    out: list[str] = []
    for item in ids:
        if item and item not in out:
            out.append(item)
    return tuple(out)


def parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(unfold(value).strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
