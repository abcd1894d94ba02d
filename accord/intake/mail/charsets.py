"""Turning bytes of unknown or mislabelled encoding into text, never raising.

Order of attempts for a piece of bytes: each declared charset (strict), UTF-8 (strict),
then a small guesser over the legacy encodings mail still arrives in (Windows-1252,
KOI8-R, Windows-1251, ISO-8859-2), and finally Latin-1, which maps every byte and so
loses nothing. Labels are mapped to the supersets mail clients actually send
(``iso-8859-1`` is decoded as Windows-1252, ``gb2312`` as GB18030, ...).
"""

from __future__ import annotations

import codecs
import math
import re
from dataclasses import dataclass

# Labels that mail clients use for a superset of what they name (as browsers do).
_SUPERSETS = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "iso-8859-9": "cp1254",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "euc-cn": "gb18030",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "x-sjis": "cp932",
    "sjis": "cp932",
    "tis-620": "cp874",
    "iso-8859-11": "cp874",
    "iso-8859-8-i": "iso-8859-8",
    "iso-8859-6-i": "iso-8859-6",
    "utf8": "utf-8",
    "unicode-1-1-utf-7": "utf-7",
    "x-unknown": "",
    "unknown-8bit": "",
    "unknown": "",
    "x-user-defined": "",
    "default": "",
}

_LEGACY_CANDIDATES = ("cp1252", "koi8_r", "cp1251", "iso8859_2")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN_EXTRA = re.compile(r"[\u00c0-\u024f]")
# Letter frequencies of Russian text, in percent.
_RU_FREQ = dict(
    zip(
        "оеаинтсрвлкмдпуяыьгзбчйхжшюцщэфъё",
        (10.97, 8.45, 8.01, 7.35, 6.70, 6.26, 5.47, 4.73, 4.54, 4.40, 3.49, 3.21, 2.98, 2.81,
         2.62, 2.01, 1.90, 1.74, 1.70, 1.65, 1.59, 1.44, 1.21, 0.97, 0.94, 0.73, 0.64, 0.48,
         0.36, 0.32, 0.26, 0.04, 0.04),
        strict=True,
    )
)  # fmt: skip
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Decoded:
    text: str
    charset: str
    fallback: bool  # True when no declared charset decoded the bytes as they were


_SURROGATES = re.compile("[\ud800-\udfff]")


def clean_str(value: str) -> str:
    """Text safe for any database: raw bytes left as surrogate escapes are decoded (UTF-8,
    else the legacy guess) and NUL characters become U+FFFD."""
    if _SURROGATES.search(value):
        try:
            value = decode_bytes(value.encode("utf-8", "surrogateescape"), ("utf-8",)).text
        except UnicodeEncodeError:
            value = _SURROGATES.sub("\ufffd", value)
    return value.replace("\x00", "\ufffd") if "\x00" in value else value


def codec_for(label: str | None) -> str | None:
    """The Python codec for a MIME charset label, or None when there is no usable one."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    if "*" in name:  # RFC 2231 language suffix: utf-8*en
        name = name.split("*", 1)[0]
    name = _SUPERSETS.get(name, name)
    if not name:
        return None
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError, TypeError):
        return None
    # Codecs that are not text encodings (base64, rot13, zlib ...) must not be used.
    if not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


def _score(text: str) -> float:
    """How much a decoding looks like natural language: whole words in one script."""
    score = 0.0
    for word in _WORD.findall(text):
        cyr = len(_CYRILLIC.findall(word))
        lat_extra = len(_LATIN_EXTRA.findall(word))
        if not cyr and not lat_extra:
            continue
        letters = len(word)
        if cyr and cyr != letters:
            score -= letters  # Cyrillic mixed with Latin letters in one word
        elif cyr:
            # Common letters score high, rare ones low: a wrong Cyrillic code page
            # turns ordinary words into strings of rare letters.
            score += sum(5 + math.log(_RU_FREQ.get(ch, 0.5) / 100) for ch in word.lower())
            if word[1:].islower():
                score += 0.5 * letters
        elif lat_extra * 2 > letters:
            score -= letters  # mostly accented letters: not a Western word
        else:
            score += letters
    # Control characters and unassigned code points are a strong sign of a wrong guess.
    score -= 3 * sum(1 for ch in text if "\x80" <= ch <= "\x9f")
    return score


def guess_legacy(data: bytes) -> Decoded:
    best: tuple[float, str, str] | None = None
    for candidate in _LEGACY_CANDIDATES:
        try:
            text = data.decode(candidate)
        except UnicodeDecodeError:
            continue
        score = _score(text)
        if best is None or score > best[0]:
            best = (score, candidate, text)
    if best is None:
        return Decoded(data.decode("latin-1"), "latin-1", True)
    return Decoded(best[2], codecs.lookup(best[1]).name, True)


def decode_bytes(data: bytes, declared: tuple[str | None, ...] = ()) -> Decoded:
    """Decode ``data`` trying the declared charsets first; never raises."""
    tried: set[str] = set()
    for label in declared:
        codec = codec_for(label)
        if codec is None or codec in tried:
            continue
        tried.add(codec)
        try:
            return Decoded(data.decode(codec), codec, False)
        except (UnicodeDecodeError, LookupError, ValueError, TypeError):
            continue
    try:
        usable = any(codec_for(label) for label in declared)
        return Decoded(data.decode("utf-8"), "utf-8", usable)
    except UnicodeDecodeError:
        pass
    # Mostly valid UTF-8 with a few broken bytes: keep UTF-8 and mark the broken ones.
    repaired = data.decode("utf-8", errors="replace")
    bad = repaired.count("\ufffd")
    multibyte = sum(1 for ch in repaired if ord(ch) > 0x7F) - bad
    if multibyte > 0 and bad * 4 <= multibyte:
        return Decoded(repaired, "utf-8", True)
    return guess_legacy(data)
