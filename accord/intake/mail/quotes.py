"""Separating the new text of a reply from the quoted history.

Two layouts are recognised:

* top posting: the new text, then a separator after which everything is history:
  ``-----Original Message-----``, an Outlook header block (``From:`` followed by
  ``Sent:``/``Date:`` and ``To:``/``Subject:``), a line of underscores before such a
  block, or an attribution line (``On <date>, <name> wrote:``, ``At ..., you wrote:``,
  ``Am ... schrieb ...:``, ``<name> writes:``) followed only by quoted lines;
* interleaved replies: ``>`` quoted lines (and the attribution line just before them)
  are history, the remaining lines are new.

Forwarded messages (``---- Forwarded Message ----``) are content the sender means to
share and are never treated as history. When the split leaves no new text at all, the
whole text is the new text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ORIGINAL = re.compile(
    r"^\s*-{2,}\s*(original message|urspr(ü|ue)ngliche nachricht|message d'origine|"
    r"mensaje original|messaggio originale|oorspronkelijk bericht|opprinnelig melding|"
    r"ursprungligt meddelande)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_FORWARDED = re.compile(
    r"^\s*(-{2,}\s*(forwarded message|weitergeleitete nachricht|message transf[ée]r[ée]|"
    r"mensaje reenviado|messaggio inoltrato|doorgestuurd bericht)\s*-{2,}|begin forwarded message:)\s*$",
    re.IGNORECASE,
)
_UNDERSCORES = re.compile(r"^\s*_{10,}\s*$")
_HDR_FROM = re.compile(r"^\s*\*?(from|von|de|van|från|fra|da)\s*:\*?\s+\S", re.IGNORECASE)
_HDR_OTHER = re.compile(
    r"^\s*\*?(sent|date|to|subject|gesendet|datum|an|betreff|envoyé|objet|à|enviado|asunto|"
    r"para|cc)\s*:\*?(\s|$)",
    re.IGNORECASE,
)
_ATTRIBUTION_END = re.compile(
    r"(wrote|writes|schrieb|a écrit|escribió|ha scritto|skrev|kirjoitti|napisał|schreef|"
    r"написал[аи]?)\s*:?\s*$",
    re.IGNORECASE,
)
_ATTRIBUTION_START = re.compile(r"^\s*(on|at|am|le|el|il|op|den|w dniu)\s", re.IGNORECASE)
_QUOTED = re.compile(r"^\s*>")
_SIGNATURE = re.compile(r"^-- ?$")
_BLANKS = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class Split:
    new: str
    quoted: str


def _is_attribution(lines: list[str], i: int) -> int:
    """Number of lines (1 or 2) of an attribution line starting at i, or 0."""
    line = lines[i]
    if len(line) > 300:
        return 0
    if _ATTRIBUTION_END.search(line) and (
        _ATTRIBUTION_START.match(line) or _next_is_quoted(lines, i + 1)
    ):
        return 1
    # Gmail and others wrap a long attribution over two lines.
    if (
        i + 1 < len(lines)
        and _ATTRIBUTION_START.match(line)
        and _ATTRIBUTION_END.search(lines[i + 1])
    ) and len(line) + len(lines[i + 1]) < 400:
        return 2
    return 0


def _next_is_quoted(lines: list[str], start: int) -> bool:
    for line in lines[start : start + 3]:
        if line.strip():
            return bool(_QUOTED.match(line))
    return False


def _is_outlook_block(lines: list[str], i: int) -> bool:
    if not _HDR_FROM.match(lines[i]):
        return False
    following = [ln for ln in lines[i + 1 : i + 6] if ln.strip()]
    return sum(1 for ln in following if _HDR_OTHER.match(ln)) >= 2


def _hard_separator(lines: list[str]) -> int | None:
    for i, line in enumerate(lines):
        if _ORIGINAL.match(line):
            return i
        if _UNDERSCORES.match(line) and i + 1 < len(lines) and _is_outlook_block(lines, i + 1):
            return i
        if _is_outlook_block(lines, i) and i > 0:
            return i
    return None


def _join(lines: list[str]) -> str:
    return "\n".join(lines).strip("\n")


def split_quoted(text: str) -> Split:
    all_lines = text.split("\n")
    # What follows a forwarding marker is content being shared, not history.
    end = next((i for i, ln in enumerate(all_lines) if _FORWARDED.match(ln)), len(all_lines))
    head = _split_lines(all_lines[:end])
    if end == len(all_lines):
        new, quoted = head
    else:
        forwarded = _join(all_lines[end:])
        if head[1].strip():  # the forward sits inside the history already cut off
            new, quoted = head[0], (head[1] + "\n\n" + forwarded).strip("\n")
        else:
            new, quoted = (head[0] + "\n\n" + forwarded).strip("\n"), ""
    if not new.strip():
        return Split(new=text.strip("\n"), quoted="")
    return Split(new=_BLANKS.sub("\n\n", new), quoted=quoted)


def _split_lines(lines: list[str]) -> tuple[str, str]:
    hard = _hard_separator(lines)
    first_attr: int | None = None
    i = 0
    while i < len(lines):
        n = _is_attribution(lines, i)
        if n:
            first_attr = i
            break
        i += 1
    if first_attr is not None and (hard is None or first_attr < hard):
        after = lines[first_attr:]
        interleaved = False
        seen_quote = False
        for line in after[1:]:
            if _SIGNATURE.match(line):
                break
            if _QUOTED.match(line):
                seen_quote = True
            elif line.strip() and seen_quote:
                interleaved = True
                break
        if not interleaved:
            hard = first_attr
    if hard is not None:
        new, quoted = _join(lines[:hard]), _join(lines[hard:])
    else:
        keep: list[str] = []
        history: list[str] = []
        i = 0
        while i < len(lines):
            n = _is_attribution(lines, i)
            if n and _next_is_quoted(lines, i + n):
                history.extend(lines[i : i + n])
                i += n
                continue
            (history if _QUOTED.match(lines[i]) else keep).append(lines[i])
            i += 1
        new, quoted = _join(keep), _join(history)
    return new, quoted
