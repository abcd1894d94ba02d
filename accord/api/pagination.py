"""Cursor pagination for the API: the implementation is `accord.keyset` (the web uses it too).

Search results (`?q=`) are ranked, and a rank is no stable key, so their cursor
is an offset (`encode_offset`), opaque to clients like the others.
"""

import base64
import binascii
import json

from accord.errors import Invalid
from accord.keyset import MAX_LIMIT, decode, encode, page

__all__ = ["MAX_LIMIT", "check_limit", "decode", "decode_offset", "encode", "encode_offset", "page"]


def check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid("limit", f"between 1 and {MAX_LIMIT}")


def encode_offset(offset: int) -> str:
    """A cursor for ranked lists (search), where keyset paging has no stable key."""
    return encode("offset", offset)


def decode_offset(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        tag, offset = json.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError):
        raise Invalid("cursor", "not a cursor this API returned") from None
    if tag != "offset" or not isinstance(offset, int) or offset < 0:
        raise Invalid("cursor", "not a cursor this API returned")
    return offset
