"""Reading a request's own words: suggested exclusions (capella 2.4) and stated levels.

The one place where request text is matched against the policy's vocabulary
(`[[exclusions]]` keywords and patterns, `[triage]` in accord/policies/*.toml).
Pure functions: the scope decision and the mail intake call them; nothing here
decides anything on its own (docs/scope.md, "Suggested exclusions").

The method, and why each step is there (figures in docs/scope.md, measured on
tests/scope/corpus.toml):

1. Only the customer's own words count. A reply quotes our earlier mail (whose
   guidance names the exclusions), forwards an older thread, or ends with a
   signature listing "VPN and printer queries": text after the first reply
   header of the common mail clients, lines quoted with ">", and a signature
   after "-- " are dropped.
2. A text that reports an Error (capella 1.2) is supported, whatever else it
   says: "the reset email never arrives" or "crashes after we moved it to a new
   computer" is a defect to fix, so the policy's `errors` words stop a suggestion.
3. A mail with several issues (a numbered or bulleted list, or paragraphs that
   start "Also," / "Another issue") is never excluded as a whole: only when
   every issue reads as the same excluded type is that type suggested; otherwise
   each issue that looks excluded is named, so that an agent splits it (5.4).
4. Within one issue, the earliest match in the body is taken; the subject only
   counts when the body has none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from accord.sla import Policy
from accord.sla.policy_spec import ExclusionSpec, LevelClaimSpec

_FLAGS = re.IGNORECASE | re.UNICODE
# Headers that start a quoted earlier mail, in the mail clients' own languages.
_ATTRIBUTION = re.compile(
    r"^\s*(On|Am|Le|El|Op|Il giorno|Em|Den|På)\b.{0,250}"
    r"(wrote|schrieb|a écrit|escribió|schreef|ha scritto|escreveu|skrev)\s*:?\s*$",
    _FLAGS,
)
_SEPARATOR = re.compile(
    r"^\s*(-{2,}\s*(Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original|"
    r"Oorspronkelijk bericht|Messaggio originale|Forwarded message)\s*-{2,}|_{8,})\s*$",
    _FLAGS,
)
_OUTLOOK_FROM = re.compile(r"^\s*\*?(From|Von|De|Van|Da|Fra)\s?:\*?\s", _FLAGS)
_OUTLOOK_NEXT = re.compile(
    r"^\s*\*?(Sent|Gesendet|Envoyé|Enviado|Verzonden|Inviato|Date|Datum|Sendt)\s?:", _FLAGS
)
_SIGNATURE = re.compile(r"^--\s?$")
# What starts a separate issue: a list item, or a paragraph opening with a connector.
_ITEM = re.compile(r"^\s*(\d{1,2}[.)]|[-*•]|[a-h][.)])\s+(?=\S)")
_CONNECTOR = re.compile(
    r"^\s*(also|additionally|secondly|separately|on another note|one more thing|"
    r"another (issue|problem|thing|question)|(a )?second (issue|problem|thing))\b",
    _FLAGS,
)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u00b4": "'"})


def own_text(text: str) -> str:
    """The customer's own words: no quoted earlier mail, no signature."""
    lines = text.translate(_APOSTROPHES).splitlines()
    kept: list[str] = []
    for i, line in enumerate(lines):
        joined = f"{line} {lines[i + 1]}" if i + 1 < len(lines) else line
        if _SIGNATURE.match(line) or _SEPARATOR.match(line):
            break
        if _ATTRIBUTION.match(line) or (
            not _ATTRIBUTION.match(lines[i + 1] if i + 1 < len(lines) else "")
            and _ATTRIBUTION.match(joined)
        ):
            break
        if _OUTLOOK_FROM.match(line) and any(_OUTLOOK_NEXT.match(n) for n in lines[i + 1 : i + 5]):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    return "\n".join(kept).strip()


def issues(text: str) -> list[str]:
    """The separate issues of a text: list items, or connector paragraphs; else [text].

    Text before the first list item (a greeting, "a few issues from us") and after
    the last one ("thanks") is not an issue of its own.
    """
    lines = text.splitlines()
    items: list[list[str]] = []
    in_item = False
    for line in lines:
        if _ITEM.match(line):
            items.append([_ITEM.sub("", line, count=1)])
            in_item = True
        elif in_item and line.strip() and line.startswith((" ", "\t")):
            items[-1].append(line)  # an indented continuation of the item
        else:
            in_item = False
    if len(items) >= 2:
        return ["\n".join(i) for i in items]
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    parts: list[str] = []
    for paragraph in paragraphs:
        if parts and _CONNECTOR.match(paragraph):
            parts.append(paragraph)
        elif parts:
            parts[-1] += "\n\n" + paragraph
        else:
            parts.append(paragraph)
    return parts if len(parts) >= 2 else [text]


@dataclass(frozen=True)
class Match:
    exclusion: ExclusionSpec
    words: str  # the words that matched, as the customer wrote them
    at: int


@dataclass(frozen=True)
class Reading:
    """What the text suggests: one exclusion for the whole request, or per issue."""

    suggestion: Match | None = None
    issues: int = 1
    # (1-based issue number, its match) for a text with several issues.
    parts: list[tuple[int, Match]] = field(default_factory=list)
    error: str = ""  # the words that read as an Error report, if any


@lru_cache(maxsize=256)
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, _FLAGS) for p in patterns)


def _exclusion_patterns(exclusion: ExclusionSpec) -> tuple[re.Pattern[str], ...]:
    literal = tuple(rf"\b{re.escape(k)}\b" for k in exclusion.keywords)
    return _compiled(literal + tuple(exclusion.patterns))


def _first_match(policy: Policy, text: str) -> Match | None:
    best: Match | None = None
    for exclusion in policy.spec.exclusions:
        for pattern in _exclusion_patterns(exclusion):
            found = pattern.search(text)
            if found and (best is None or found.start() < best.at):
                best = Match(exclusion, found.group(0), found.start())
    return best


def _error_words(policy: Policy, text: str) -> str:
    for pattern in _compiled(tuple(policy.spec.triage.errors)):
        found = pattern.search(text)
        if found:
            return found.group(0)
    return ""


def read_exclusion(policy: Policy, subject: str, body: str) -> Reading:
    """Which excluded type (if any) the request's text reads as; see the module doc."""
    if not policy.spec.exclusions:
        return Reading()
    subject = subject.translate(_APOSTROPHES)
    text = own_text(body)
    parts = issues(text)
    if len(parts) == 1:
        error = _error_words(policy, f"{subject}\n{text}")
        match = _first_match(policy, text) or _first_match(policy, subject)
        if error or match is None:
            return Reading(error=error)
        return Reading(match)
    found: list[tuple[int, Match]] = []
    clean = True
    for n, part in enumerate(parts, start=1):
        match = _first_match(policy, part)
        if match is not None:
            found.append((n, match))
        if match is None or _error_words(policy, part):
            clean = False
    kinds = {m.exclusion.id for _, m in found}
    if clean and len(kinds) == 1:
        return Reading(found[0][1], issues=len(parts), parts=found)
    return Reading(issues=len(parts), parts=found)


def claimed_level(policy: Policy, subject: str, body: str) -> tuple[LevelClaimSpec, str] | None:
    """The level the customer states in the subject or first lines, and the words used.

    The policy's `[[triage.claims]]` are tried in file order: explicit wording
    ("Severity 2", "Priority: High") before a bare "urgent".
    """
    spec = policy.spec.triage
    if not spec.claims:
        return None
    lines = [line for line in own_text(body).splitlines() if line.strip()]
    head = "\n".join([subject.translate(_APOSTROPHES), *lines[: spec.claim_lines]])
    for claim in spec.claims:
        for pattern in _compiled(tuple(claim.patterns)):
            found = pattern.search(head)
            if found:
                return claim, found.group(0)
    return None
