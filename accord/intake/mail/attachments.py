"""Attachment helpers: type sniffing, safe filenames, uuencoded blocks in text bodies."""

from __future__ import annotations

import binascii
import hashlib
import mimetypes
import re
import unicodedata
from dataclasses import dataclass

import filetype

_GENERIC = {"application/octet-stream", "application/x-unknown", "application/unknown", ""}
_UU_BEGIN = re.compile(r"^begin(?:-base64)? ([0-7]{3,4}) (\S[^\r\n]*?)\s*$")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")
_MAX_NAME_BYTES = 200


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _looks_like_text(data: bytes) -> bool:
    sample = data[:4096]
    if not sample or b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        return exc.start >= len(sample) - 3


def sniff_type(data: bytes, declared: str, filename: str) -> str:
    """The content type to trust: magic bytes first, then the declared type, then the name."""
    try:
        kind = filetype.guess(data[:8192]) if data else None
    except Exception:
        kind = None
    if kind is not None:
        return str(kind.mime)
    declared = (declared or "").lower()
    if declared not in _GENERIC:
        return declared
    guessed, _ = mimetypes.guess_type(filename, strict=False) if filename else (None, None)
    if guessed:
        return guessed
    if _looks_like_text(data):
        return "text/plain"
    return "application/octet-stream"


def safe_filename(name: str | None, content_type: str, index: int) -> str:
    """A filename without directories, control or reserved characters, never empty."""
    cleaned = ""
    if name:
        cleaned = unicodedata.normalize("NFC", name)
        cleaned = re.split(r"[/\\]", cleaned)[-1]
        cleaned = _UNSAFE.sub("_", cleaned).strip().lstrip(".").strip()
    if not cleaned:
        ext = mimetypes.guess_extension(content_type.split(";")[0].strip(), strict=False) or ".bin"
        if content_type == "message/rfc822":
            ext = ".eml"
        cleaned = f"attachment-{index}{ext}"
    encoded = cleaned.encode("utf-8")
    if len(encoded) > _MAX_NAME_BYTES:
        stem, dot, ext = cleaned.rpartition(".")
        if not dot or len(ext) > 16:
            stem, ext = cleaned, ""
        budget = _MAX_NAME_BYTES - len(ext.encode("utf-8")) - 1
        stem = stem.encode("utf-8")[:budget].decode("utf-8", "ignore")
        cleaned = f"{stem}.{ext}" if ext else stem
    return cleaned


@dataclass(frozen=True)
class UUBlock:
    filename: str
    data: bytes


def _uu_line(line: str) -> bytes:
    if not line:
        return b""
    try:
        return binascii.a2b_uu(line)
    except binascii.Error:
        # Some encoders pad lines with garbage; decode the length the line announces.
        nbytes = (((ord(line[0]) - 32) & 63) * 4 + 5) // 3
        try:
            return binascii.a2b_uu(line[:nbytes])
        except binascii.Error:
            return b""


def extract_uuencoded(text: str) -> tuple[str, list[UUBlock]]:
    """Cut ``begin MODE NAME`` ... ``end`` blocks out of a text body.

    Each block is replaced by a line ``[attachment: NAME]``; unterminated or empty
    blocks are left in the text untouched.
    """
    if "begin " not in text:
        return text, []
    lines = text.split("\n")
    out: list[str] = []
    blocks: list[UUBlock] = []
    i = 0
    while i < len(lines):
        match = _UU_BEGIN.match(lines[i].rstrip("\r"))
        if match and not lines[i].startswith("begin-base64"):
            end = None
            for j in range(i + 1, len(lines)):
                if lines[j].rstrip("\r").strip() == "end":
                    end = j
                    break
            if end is not None:
                data = b"".join(_uu_line(ln.rstrip("\r")) for ln in lines[i + 1 : end])
                if data:
                    name = match.group(2)
                    blocks.append(UUBlock(filename=name, data=data))
                    out.append(f"[attachment: {name}]")
                    i = end + 1
                    continue
        out.append(lines[i])
        i += 1
    return "\n".join(out), blocks
