"""RFC 3834: automated mail is stored but never answered; our own mail is dropped; caps."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from accord.intake.identity import own_mail
from accord.intake.models import RawMessage
from accord.notify.models import Outbox
from accord.tickets.models import Request
from intake.support import CAPELLA, deliver, message

AUTOMATED = [
    {"Auto_Submitted": "auto-replied"},
    {"Auto_Submitted": "auto-generated (failure)"},
    {"Precedence": "bulk"},
    {"Precedence": "list"},
    {"List_Id": "<news.example.org>"},
    {"X_Autoreply": "yes"},
    {"X_Auto_Response_Suppress": "All"},
    {"Return_Path": "<>"},
]


@pytest.mark.parametrize("headers", AUTOMATED, ids=lambda h: "-".join(h))
def test_it_stores_automated_mail_but_sends_no_acknowledgement(
    mail_desk: Any, headers: dict[str, str]
) -> None:
    result = deliver(message("Automatic notice", **headers))
    assert result.raw.state == "processed" and result.raw.automated
    request = result.raw.request
    (row,) = Outbox.objects.filter(request=request)
    assert row.state == "suppressed" and "automated" in row.reason
    assert any(f["code"] == "automated_mail" for f in request.flags)


def test_it_answers_mail_whose_auto_submitted_is_no(mail_desk: Any) -> None:
    result = deliver(message("A person wrote this", Auto_Submitted="no"))
    assert Outbox.objects.get(request=result.raw.request).state == "queued"


def test_it_treats_a_mailer_daemon_as_automated(mail_desk: Any) -> None:
    result = deliver(message("Undeliverable", sender="MAILER-DAEMON@mx.kiwi.example"))
    assert Outbox.objects.get(request=result.raw.request).state == "suppressed"


def test_it_drops_our_own_mail_when_it_comes_back(mail_desk: Any) -> None:
    ours = own_mail().make_message_id()
    result = deliver(message("[SR-1001] Received: x", sender=CAPELLA, message_id=ours))
    assert result.raw.state == "ignored"
    assert Request.objects.count() == 0


def test_it_ignores_mail_sent_from_one_of_our_support_addresses(mail_desk: Any) -> None:
    result = deliver(message("Looping", sender=CAPELLA, message_id="loop@capella.example"))
    assert result.raw.state == "ignored"
    assert Request.objects.count() == 0


def test_it_does_not_trust_a_forged_id_in_our_domain(mail_desk: Any) -> None:
    forged = "accord.AAAAAAAAAAAA.0123456789abcdef0123@desk.example"
    result = deliver(message("Hello", message_id=forged))
    assert result.raw.state == "processed"
    assert Request.objects.count() == 1


def test_it_caps_automated_mail_per_address(mail_desk: Any, settings: Any) -> None:
    settings.ACCORD_MAIL = dataclasses.replace(settings.ACCORD_MAIL, cap_per_address=3)
    for n in range(5):
        deliver(message(f"Issue {n}", message_id=f"cap{n}@kiwi.example"))
    states = list(Outbox.objects.order_by("id").values_list("state", flat=True))
    assert states == ["queued"] * 3 + ["suppressed"] * 2
    assert "cap reached" in Outbox.objects.order_by("id").last().reason  # type: ignore[union-attr]


def test_it_caps_automated_mail_per_request(mail_desk: Any, settings: Any) -> None:
    from accord.notify.queue import enqueue_notice

    settings.ACCORD_MAIL = dataclasses.replace(settings.ACCORD_MAIL, cap_per_request=2)
    request = deliver(message("Issue")).raw.request
    context = {"skipped": [], "limit": 1, "message_limit": 1}
    for n in range(3):
        enqueue_notice(
            request, key=f"n{n}", to="mere@kiwi.example", template="oversize", context=context
        )
    states = list(Outbox.objects.order_by("id").values_list("state", flat=True))
    assert states == ["queued", "queued", "suppressed", "suppressed"]


def test_it_can_switch_the_caps_off(mail_desk: Any, settings: Any) -> None:
    settings.ACCORD_MAIL = dataclasses.replace(
        settings.ACCORD_MAIL, cap_per_address=0, cap_per_request=0
    )
    for n in range(25):
        deliver(message(f"Issue {n}", message_id=f"nocap{n}@kiwi.example"))
    assert set(Outbox.objects.values_list("state", flat=True)) == {"queued"}
    assert RawMessage.objects.count() == 25
