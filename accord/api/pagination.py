"""Cursor pagination for the API: the implementation is `accord.keyset` (the web uses it too)."""

from accord.keyset import MAX_LIMIT, decode, encode, page

__all__ = ["MAX_LIMIT", "decode", "encode", "page"]
