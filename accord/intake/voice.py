"""Voice events from a telephony system: their two formats and how they are signed.

The signed JSON event (docs/channels.md) is
`{"event": "voicemail"|"call", "call_id", "from", "to", "started_at",
"duration", "recording_url", "transcript"}`, with `X-Accord-Signature` the
HMAC-SHA256 (hex) of the raw body under the support line's secret.

Twilio's callback (the <Record> verb's action, or its transcription callback)
is form-encoded and signed with Twilio's scheme: `X-Twilio-Signature` is the
base64 HMAC-SHA1, under the account's auth token, of the full URL Twilio
called followed by every POST parameter name and value sorted by name. It is
written here (a dozen lines of the standard library, checked in the tests
against Twilio's own published example) rather than taken from the `twilio`
package, which would bring an HTTP client stack (requests, aiohttp, PyJWT) for
this one function.

Both signatures are compared in constant time (`hmac.compare_digest`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from accord.errors import Invalid
from accord.timing import SKEW, check_bounds

EVENTS = ("voicemail", "call")
MAX_TEXT = 100_000


@dataclass(frozen=True)
class VoiceEvent:
    event: str  # voicemail or call
    call_id: str
    caller: str  # `from` as sent: a number, or a telephony system's word for none
    to: str
    started_at: datetime
    duration: int  # seconds
    recording_url: str
    transcript: str


# --- signatures -------------------------------------------------------------------


def accord_signature(secret: str, body: bytes) -> str:
    """The `X-Accord-Signature` of a body: HMAC-SHA256, hex."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def accord_signed(secret: str, body: bytes, header: str) -> bool:
    given = header.strip().removeprefix("sha256=").lower()
    return bool(given) and hmac.compare_digest(accord_signature(secret, body), given)


def twilio_signature(secret: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    """Twilio's `X-Twilio-Signature` for a POST to `url` with `params` (repeats allowed)."""
    data = url + "".join(k + v for k, v in sorted(params))
    digest = hmac.new(secret.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def twilio_signed(
    secret: str, urls: Iterable[str], params: list[tuple[str, str]], header: str
) -> bool:
    """True if the header signs `params` at one of `urls` (with or without its port,
    as Twilio's own libraries accept: a proxy may add or drop it)."""
    header = header.strip()
    if not header:
        return False
    candidates: set[str] = set()
    for url in urls:
        candidates.update(_with_and_without_port(url))
    return any(
        hmac.compare_digest(twilio_signature(secret, u, params), header) for u in sorted(candidates)
    )


def _with_and_without_port(url: str) -> list[str]:
    parts = urlsplit(url)
    host = parts.hostname or ""
    default = 443 if parts.scheme == "https" else 80
    port = parts.port or default
    bare = urlunsplit((parts.scheme, host, parts.path, parts.query, ""))
    ported = urlunsplit((parts.scheme, f"{host}:{port}", parts.path, parts.query, ""))
    return [bare, ported]


# --- parsing ----------------------------------------------------------------------


def json_body(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise Invalid("body", "not JSON") from None
    if not isinstance(data, dict):
        raise Invalid("body", "a JSON object is expected")
    return data


def from_json(data: Mapping[str, Any], now: datetime) -> VoiceEvent:
    """The signed JSON event; Invalid names the first bad field."""
    event = _str(data, "event", required=True)
    if event not in EVENTS:
        raise Invalid("event", f"expected one of {', '.join(EVENTS)}")
    duration = data.get("duration", 0)
    if duration is None:
        duration = 0
    if isinstance(duration, bool) or not isinstance(duration, int) or not 0 <= duration < 10**6:
        raise Invalid("duration", "whole seconds, 0 or more")
    started = _str(data, "started_at", required=True)
    try:
        started_at = datetime.fromisoformat(started)
    except ValueError:
        raise Invalid("started_at", "an ISO 8601 instant, e.g. 2026-11-19T22:00:00-05:00") from None
    return VoiceEvent(
        event=event,
        call_id=_str(data, "call_id", required=True, max_length=200),
        caller=_str(data, "from", required=True, max_length=40),
        to=_str(data, "to", required=True, max_length=40),
        started_at=_instant(started_at, now, "started_at"),
        duration=duration,
        recording_url=_url(_str(data, "recording_url"), "recording_url"),
        transcript=_str(data, "transcript", max_length=MAX_TEXT),
    )


def from_twilio(params: Mapping[str, str], now: datetime) -> VoiceEvent:
    """Twilio's recording (or transcription) callback, as a voicemail.

    Notice is the recording's start (`RecordingStartTime`) when Twilio sends it;
    the <Record> action callback does not, so there it is the callback's arrival
    less the recording's length: the caller began speaking no later than that.
    """
    duration_raw = params.get("RecordingDuration", "0") or "0"
    if not duration_raw.isdigit() or int(duration_raw) >= 10**6:
        raise Invalid("RecordingDuration", "whole seconds, 0 or more")
    duration = int(duration_raw)
    start_raw = params.get("RecordingStartTime", "")
    if start_raw:
        try:
            started_at = parsedate_to_datetime(start_raw)
        except (TypeError, ValueError):
            raise Invalid("RecordingStartTime", "an RFC 2822 date") from None
        started_at = _instant(started_at, now, "RecordingStartTime")
    else:
        started_at = now - timedelta(seconds=duration)
    return VoiceEvent(
        event="voicemail",
        call_id=_str(params, "CallSid", required=True, max_length=200),
        caller=_str(params, "From", max_length=40),
        to=_str(params, "To", required=True, max_length=40),
        started_at=started_at,
        duration=duration,
        recording_url=_url(_str(params, "RecordingUrl"), "RecordingUrl"),
        transcript=_str(params, "TranscriptionText", max_length=MAX_TEXT),
    )


def _str(
    data: Mapping[str, Any], field: str, *, required: bool = False, max_length: int = 1000
) -> str:
    value = data.get(field)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid(field, "must be a string")
    if "\x00" in value:
        raise Invalid(field, "must not contain NUL characters")
    value = value.strip()
    if required and not value:
        raise Invalid(field, "required")
    if len(value) > max_length:
        raise Invalid(field, f"at most {max_length} characters")
    return value


def _instant(value: datetime, now: datetime, field: str) -> datetime:
    """A telephony system's clock: any past instant, never ahead of ours by more than SKEW."""
    check_bounds(value, field)
    if value > now + SKEW:
        raise Invalid(field, f"{value.isoformat()} is in the future")
    return value


def _url(value: str, field: str) -> str:
    if value and urlsplit(value).scheme not in ("http", "https"):
        raise Invalid(field, "an http or https URL")
    return value
