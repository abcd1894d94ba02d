"""Mail loops and automation (RFC 3834), pure functions over a ParsedMessage.

``is_automated(parsed)`` says whether a message was sent by a machine, with the reasons;
the desk stores such mail but never answers it automatically. The rules:

* ``Auto-Submitted`` with any value other than ``no`` (RFC 3834 section 5);
* ``Precedence: bulk``, ``junk`` or ``list``;
* a ``List-Id`` header (mailing list traffic);
* ``X-Autoreply`` / ``X-Autorespond`` (common autoresponders);
* ``X-Auto-Response-Suppress`` with a value other than ``None`` (Microsoft Exchange);
* an empty Return-Path (``<>``: bounces and other notifications);
* a sender whose local part is ``mailer-daemon`` or ``postmaster``;
* a delivery status report (multipart/report).

Headers named ``X-Accord-*`` on inbound mail are never trusted: anybody can write them.
``strip_accord_headers`` removes them and no rule here reads them. Our own outbound mail
is recognised by its Message-ID (``OwnMail``): in one of our domains and, when a secret
is configured, carrying an HMAC tag that outsiders cannot forge.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from .model import ParsedMessage

ACCORD_HEADER_PREFIX = "x-accord-"
_DAEMONS = {"mailer-daemon", "postmaster"}
_PRECEDENCE = {"bulk", "junk", "list"}
_OWN_LOCAL = re.compile(r"^accord\.([A-Za-z0-9_-]{8,64})\.([0-9a-f]{20})$")


@dataclass(frozen=True)
class Automation:
    automated: bool
    reasons: tuple[str, ...]

    def __bool__(self) -> bool:
        return self.automated


def _headers(parsed: ParsedMessage, name: str) -> list[str]:
    wanted = name.lower()
    return [
        v
        for k, v in parsed.headers
        if k.lower() == wanted and not k.lower().startswith(ACCORD_HEADER_PREFIX)
    ]


def _token(value: str) -> str:
    """The keyword of a header value without parameters or comments."""
    value = re.sub(r"\([^)]*\)", " ", value)
    return value.split(";", 1)[0].strip().lower()


def is_automated(parsed: ParsedMessage) -> Automation:
    reasons: list[str] = []
    for value in _headers(parsed, "auto-submitted"):
        keyword = _token(value)
        if keyword and keyword != "no":
            reasons.append(f"Auto-Submitted: {keyword}")
    for value in _headers(parsed, "precedence"):
        if _token(value) in _PRECEDENCE:
            reasons.append(f"Precedence: {_token(value)}")
    if _headers(parsed, "list-id"):
        reasons.append("List-Id")
    for name in ("x-autoreply", "x-autorespond"):
        values = [v for v in _headers(parsed, name) if v.strip()]
        if values and _token(values[0]) not in {"no", "false", "0"}:
            reasons.append(name.title())
    for value in _headers(parsed, "x-auto-response-suppress"):
        if value.strip() and value.strip().lower() != "none":
            reasons.append(f"X-Auto-Response-Suppress: {value.strip()}")
            break
    if parsed.return_path == "":
        reasons.append("empty Return-Path")
    for who in (parsed.from_addr, parsed.sender):
        if who is not None and who.email.split("@", 1)[0] in _DAEMONS:
            reasons.append(f"sender {who.email}")
            break
    if parsed.bounce is not None:
        reasons.append("delivery status report")
    return Automation(automated=bool(reasons), reasons=tuple(dict.fromkeys(reasons)))


def strip_accord_headers(parsed: ParsedMessage) -> ParsedMessage:
    """The same message without any inbound ``X-Accord-*`` header."""
    kept = tuple(
        (k, v) for k, v in parsed.headers if not k.lower().startswith(ACCORD_HEADER_PREFIX)
    )
    if len(kept) == len(parsed.headers):
        return parsed
    return dataclasses.replace(parsed, headers=kept)


@dataclass(frozen=True)
class OwnMail:
    """How our outbound Message-IDs look, so that they are recognised when they come back.

    ``domains``: the right-hand sides we put in Message-IDs (lower case). ``secret``:
    when set, ids are ``accord.<nonce>.<tag>@<domain>`` with ``tag`` an HMAC of the nonce,
    and only ids with a valid tag count as ours.
    """

    domains: tuple[str, ...]
    secret: bytes | None = None

    def _tag(self, nonce: str) -> str:
        assert self.secret is not None
        return hmac.new(self.secret, nonce.encode("ascii"), hashlib.sha256).hexdigest()[:20]

    def make_message_id(self) -> str:
        """A new Message-ID (without angle brackets) for an outbound mail."""
        nonce = secrets.token_urlsafe(12)
        tag = self._tag(nonce) if self.secret is not None else secrets.token_hex(10)
        return f"accord.{nonce}.{tag}@{self.domains[0]}"

    def owns(self, message_id: str | None) -> bool:
        if not message_id or "@" not in message_id:
            return False
        local, _, domain = message_id.rpartition("@")
        if domain.lower().strip("[]") not in {d.lower() for d in self.domains}:
            return False
        if self.secret is None:
            return True
        match = _OWN_LOCAL.match(local)
        if match is None:
            return False
        return hmac.compare_digest(match.group(2), self._tag(match.group(1)))


def is_own_message(parsed: ParsedMessage, own: OwnMail) -> bool:
    """True for our own outbound mail coming back (to be dropped, never answered)."""
    return own.owns(parsed.message_id)


def own_references(parsed: ParsedMessage, own: OwnMail) -> tuple[str, ...]:
    """The ids this message replies to that we sent (for threading), newest first."""
    ids = list(parsed.in_reply_to) + list(reversed(parsed.references))
    return tuple(dict.fromkeys(i for i in ids if own.owns(i)))
