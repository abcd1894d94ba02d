"""`POST /intake/voice/`: calls and voicemails from a telephony system.

Two formats (accord.intake.voice): the signed JSON event, and Twilio's
form-encoded recording callback. Whoever cannot sign for a configured support
line gets 403 and nothing is stored, whatever else is wrong with the body; a
signed event with a bad field gets 422 naming it. A new call answers 201 with
its request number, a redelivery 200 with the same number (nothing new).
Twilio is answered with empty TwiML, which ends its call flow politely.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accord.errors import DeskError, Invalid
from accord.intake.calls import Outcome, find_line, receive
from accord.intake.models import SupportLine
from accord.intake.voice import (
    accord_signed,
    from_json,
    from_twilio,
    json_body,
    twilio_signed,
)

TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


class Refused(Exception):
    """The event is not signed by any configured line."""


@csrf_exempt
@require_POST
def voice_event(request: HttpRequest) -> HttpResponse:
    twilio = "X-Twilio-Signature" in request.headers
    try:
        outcome = _twilio(request) if twilio else _signed_json(request)
    except Refused as exc:
        return JsonResponse({"detail": str(exc), "field": "signature"}, status=403)
    except DeskError as exc:
        return JsonResponse({"detail": exc.message, "field": exc.field}, status=exc.status)
    if twilio:
        return HttpResponse(TWIML, content_type="text/xml", status=200)
    call = outcome.call
    number = call.request.display_number if call.request else None
    return JsonResponse(
        {"call_id": call.call_id, "request": number, "created": outcome.created},
        status=201 if outcome.created else 200,
    )


def _signed_json(request: HttpRequest) -> Outcome:
    body, header = request.body, request.headers.get("X-Accord-Signature", "")
    if not header:
        raise Refused("X-Accord-Signature is missing")
    data: dict[str, object] | None = None
    line = None
    try:
        data = json_body(body)
        to = data.get("to")
        line = find_line(to) if isinstance(to, str) else None
    except Invalid:
        pass
    if line is None:
        # No line to take the secret from: only a sender that can sign for some
        # line learns what is wrong with its event.
        if not any(accord_signed(s, body, header) for s in _secrets()):
            raise Refused("not signed by any support line")
        if data is None:
            json_body(body)  # raises the 422 naming the body
        raise Invalid("to", "no support line has this number (accord voice line list)")
    if not accord_signed(line.secret, body, header):
        raise Refused(f"not signed with the secret of {line.number}")
    assert data is not None
    now = timezone.now()
    event = from_json(data, now)
    return receive(line, event, body.decode(), now)


def _twilio(request: HttpRequest) -> Outcome:
    header = request.headers.get("X-Twilio-Signature", "")
    try:
        raw = request.body.decode()
        pairs = parse_qsl(raw, keep_blank_values=True, strict_parsing=bool(raw))
    except (UnicodeDecodeError, ValueError):
        pairs, raw = [], ""
    urls = _urls(request)
    line = find_line(dict(pairs).get("To", ""))
    if line is None:
        if not any(twilio_signed(s, urls, pairs, header) for s in _secrets()):
            raise Refused("not signed by any support line")
        raise Invalid("To", "no support line has this number (accord voice line list)")
    if not twilio_signed(line.secret, urls, pairs, header):
        raise Refused(f"not signed with the auth token of {line.number}")
    now = timezone.now()
    return receive(line, from_twilio(dict(pairs), now), raw, now)


def _secrets() -> list[str]:
    return list(SupportLine.objects.values_list("secret", flat=True))


def _urls(request: HttpRequest) -> list[str]:
    """The URLs Twilio may have signed: as this request arrived, and under the public
    URL (behind a proxy that rewrites the host or scheme)."""
    urls = [request.build_absolute_uri()]
    public = getattr(settings, "ACCORD_PUBLIC_URL", "")
    if public:
        urls.append(public.rstrip("/") + request.get_full_path())
    return urls
