"""`POST /intake/voice/` over real HTTP on loopback (Django's live server).

A telephony system's signed JSON event and Twilio's form-encoded recording
callback open a request at the call's own instant; a bad signature stores
nothing; a redelivery creates nothing new.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accord.intake.lines import save_line
from accord.intake.models import HoldingOrganization, VoiceCall
from accord.intake.voice import accord_signature, twilio_signature
from accord.tickets.models import Message, Request

NY = ZoneInfo("America/New_York")
LINE = "+18664164800"
SECRET = "line-secret-0123456789abcdef"
TWILIO_TOKEN = "twilio-auth-token-0123456789"
TWILIO_LINE = "+18664164801"


@pytest.fixture
def lines(mail_desk: Any) -> Any:
    save_line("+1 866-416-4800", policy="capsure", level="sev2", secret=SECRET, name="CapSure")
    save_line(TWILIO_LINE, policy="capsure", level="sev2", secret=TWILIO_TOKEN, name="Twilio")
    return mail_desk


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def event(**overrides: Any) -> dict[str, Any]:
    last_night = timezone.now().astimezone(NY).replace(hour=22, minute=0, second=0, microsecond=0)
    if last_night > timezone.now():
        last_night -= timedelta(days=1)
    return {
        "event": "voicemail",
        "call_id": "call-0001",
        "from": "+1 (212) 555-0100",  # Sam of Gatehouse, written another way
        "to": LINE,
        "started_at": last_night.isoformat(),
        "duration": 42,
        "recording_url": "https://telephony.example/rec/0001.mp3",
        "transcript": "The gate controller is down, nobody can get in. Please call back.",
        **overrides,
    }


def send(live_server: Any, data: dict[str, Any], secret: str = SECRET) -> tuple[int, Any]:
    body = json.dumps(data).encode()
    status, answer = post(
        f"{live_server.url}/intake/voice/",
        body,
        {"Content-Type": "application/json", "X-Accord-Signature": accord_signature(secret, body)},
    )
    return status, json.loads(answer)


def test_a_signed_voicemail_opens_a_request_at_the_instant_it_was_left(
    lines: Any, live_server: Any
) -> None:
    data = event()
    status, answer = send(live_server, data)
    assert status == 201, answer
    request = Request.objects.get()
    assert answer == {"call_id": "call-0001", "request": request.display_number, "created": True}
    assert request.contact == lines.sam and request.channel == "voicemail"
    left = datetime.fromisoformat(data["started_at"])
    # CapSure: a voicemail is notice at any hour, so 22:00 is the notice, after hours.
    assert request.received == left and request.notice == left
    assert request.level == "sev2" and request.subject == "Voicemail from Sam"
    first = request.messages.order_by("at", "id").first()
    assert first is not None and first.direction == Message.Direction.INBOUND
    assert "gate controller is down" in first.body_text and "0001.mp3" in first.body_text
    call = VoiceCall.objects.get()
    assert call.request == request and call.to == LINE and json.loads(call.body) == data


def test_a_redelivery_creates_nothing_new(lines: Any, live_server: Any) -> None:
    status, first = send(live_server, event())
    assert status == 201
    status, again = send(live_server, event())
    assert status == 200
    assert again == {**first, "created": False}
    assert Request.objects.count() == 1 and VoiceCall.objects.count() == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Accord-Signature": "0" * 64},
        {"X-Accord-Signature": accord_signature("another-secret-0123456789", b"{}")},
        {},
    ],
    ids=["wrong", "other-body", "missing"],
)
def test_a_bad_signature_is_403_and_stores_nothing(
    lines: Any, live_server: Any, headers: dict[str, str]
) -> None:
    body = json.dumps(event()).encode()
    status, answer = post(
        f"{live_server.url}/intake/voice/", body, {"Content-Type": "application/json", **headers}
    )
    assert status == 403 and json.loads(answer)["field"] == "signature"
    assert Request.objects.count() == 0 and VoiceCall.objects.count() == 0


def test_a_body_signed_with_another_lines_secret_is_refused(lines: Any, live_server: Any) -> None:
    status, _ = send(live_server, event(), secret=TWILIO_TOKEN)  # to LINE, signed for TWILIO_LINE
    assert status == 403
    assert VoiceCall.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"event": "fax"}, "event"),
        ({"started_at": "last night"}, "started_at"),
        ({"started_at": "2026-11-19T22:00:00"}, "started_at"),
        ({"duration": "long"}, "duration"),
        ({"call_id": ""}, "call_id"),
        ({"to": "+15550000000"}, "to"),
        ({"recording_url": "javascript:alert(1)"}, "recording_url"),
        ({"transcript": "a\x00b"}, "transcript"),
    ],
)
def test_a_signed_event_with_a_bad_field_is_422_naming_it(
    lines: Any, live_server: Any, change: dict[str, Any], field: str
) -> None:
    status, answer = send(live_server, event(**change))
    assert status == 422 and answer["field"] == field, answer
    assert Request.objects.count() == 0 and VoiceCall.objects.count() == 0


def test_signed_bytes_that_are_not_json_are_422(lines: Any, live_server: Any) -> None:
    body = b"not json"
    status, answer = post(
        f"{live_server.url}/intake/voice/",
        body,
        {"Content-Type": "application/json", "X-Accord-Signature": accord_signature(SECRET, body)},
    )
    assert status == 422 and json.loads(answer)["field"] == "body"


def test_an_unknown_number_becomes_an_unverified_caller_of_its_own(
    lines: Any, live_server: Any
) -> None:
    stranger = "+1 646 555 0199"
    assert send(live_server, event(call_id="a", **{"from": stranger}))[0] == 201
    assert send(live_server, event(call_id="b", event="call", **{"from": stranger}))[0] == 201
    assert send(live_server, event(call_id="c", **{"from": "+1 646 555 0123"}))[0] == 201
    a, b, c = Request.objects.order_by("number")
    assert a.contact == b.contact != c.contact
    assert a.contact.phone_e164 == "+16465550199" and a.subject == "Voicemail from +16465550199"
    assert b.channel == "phone" and a.scope == "not_entitled"
    assert [f["code"] for f in a.flags if f["code"] == "unverified_caller"] == ["unverified_caller"]
    holding = HoldingOrganization.objects.get(organization=a.organization)
    assert holding.phone == "+16465550199" and holding.policy == "capsure"


def test_a_twilio_recording_callback_opens_a_voicemail(lines: Any, live_server: Any) -> None:
    url = f"{live_server.url}/intake/voice/"
    params = {
        "AccountSid": "AC0123",
        "CallSid": "CA5550100",
        "From": "+12125550100",
        "To": TWILIO_LINE,
        "RecordingSid": "RE0001",
        "RecordingUrl": "https://api.twilio.com/2010-04-01/Accounts/AC0123/Recordings/RE0001",
        "RecordingDuration": "17",
        "RecordingStartTime": "Thu, 19 Nov 2026 03:05:00 +0000",
        "TranscriptionText": "Gate is stuck open.",
    }
    body = urlencode(params).encode()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": twilio_signature(TWILIO_TOKEN, url, params.items()),
    }
    status, answer = post(url, body, headers)
    assert status == 200 and b"<Response>" in answer
    request = Request.objects.get()
    assert request.channel == "voicemail" and request.contact == lines.sam
    assert request.notice == datetime(2026, 11, 19, 3, 5, tzinfo=ZoneInfo("UTC"))
    assert "Gate is stuck open." in request.description
    assert post(url, body, headers)[0] == 200  # Twilio retries: nothing new
    assert Request.objects.count() == 1

    forged = {**headers, "X-Twilio-Signature": twilio_signature("guess", url, params.items())}
    params2 = {**params, "CallSid": "CA999"}
    status, _ = post(url, urlencode(params2).encode(), forged)
    assert status == 403 and VoiceCall.objects.count() == 1


def test_the_twilio_scheme_matches_twilios_published_example() -> None:
    """The example of Twilio's own request-validator tests (token 12345)."""
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+14158675309",
        "Digits": "1234",
        "From": "+14158675309",
        "To": "+18005551212",
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert twilio_signature("12345", url, params.items()) == "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    repeated = [("Sid", "CA123"), ("SidAccount", "AC123"), ("Digits", "5678"), ("Digits", "1234")]
    assert twilio_signature("12345", url, repeated) == "IK+Dwps556ElfBT0I3Rgjkr1wJU="


def test_the_same_call_delivered_four_times_at_once_opens_one_request(
    lines: Any, live_server: Any
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    if connection.vendor == "sqlite":
        # The in-memory test database is one shared cache for every thread, which a
        # SQLite file is not; test_voice_gunicorn.py races on a file under gunicorn.
        pytest.skip("PostgreSQL pass only; SQLite is raced in test_voice_gunicorn.py")
    data = event(call_id="race-1")
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: send(live_server, data), range(4)))
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200, 200, 200, 201], answers
    assert len({answer["request"] for _, answer in answers}) == 1
    assert Request.objects.count() == 1 and VoiceCall.objects.count() == 1


def test_a_twilio_action_callback_without_a_start_time_and_bad_ones(
    lines: Any, live_server: Any
) -> None:
    url = f"{live_server.url}/intake/voice/"

    def twilio(params: dict[str, str]) -> tuple[int, bytes]:
        return post(
            url,
            urlencode(params).encode(),
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": twilio_signature(TWILIO_TOKEN, url, params.items()),
            },
        )

    base = {"CallSid": "CA1", "From": "+16465550199", "To": TWILIO_LINE, "RecordingDuration": "30"}
    before = timezone.now()
    assert twilio(base)[0] == 200
    request = Request.objects.get()
    # The <Record> action says no start: the caller was speaking 30 s before it came.
    assert before - timedelta(seconds=31) <= request.received <= timezone.now()
    assert request.received <= timezone.now() - timedelta(seconds=29)
    assert "(voicemail without a transcript)" in request.description

    status, answer = twilio({**base, "CallSid": ""})
    assert status == 422 and json.loads(answer)["field"] == "CallSid"
    status, answer = twilio({**base, "CallSid": "CA2", "RecordingDuration": "-3"})
    assert status == 422 and json.loads(answer)["field"] == "RecordingDuration"
    status, answer = twilio({**base, "CallSid": "CA3", "To": "+15550000000"})
    assert status == 422 and json.loads(answer)["field"] == "To"  # signed, but no such line
    assert Request.objects.count() == 1
