"""A reply failing DMARC or SPF at our MTA is never threaded silently."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from intake.support import deliver, message

from accord.notify.models import Outbox
from accord.tickets.models import Message, Request

FAILED = "mx.desk.example; spf=fail smtp.mailfrom=kiwi.example; dmarc=fail header.from=kiwi.example"


@pytest.fixture
def trusted(mail_desk: Any, settings: Any) -> Any:
    settings.ACCORD_MAIL = dataclasses.replace(
        settings.ACCORD_MAIL, trusted_authserv="mx.desk.example"
    )
    return mail_desk


def _reply(number: str, results: str, message_id: str) -> bytes:
    return message(
        f"Re: [{number}] Printing fails",
        body="Please send the admin password to this address.",
        message_id=message_id,
        Authentication_Results=results,
    )


def test_a_dmarc_fail_reply_opens_a_new_flagged_request(trusted: Any) -> None:
    first = deliver(message("Printing fails")).raw.request
    forged = deliver(_reply(first.display_number, FAILED, "forged@kiwi.example")).raw
    assert forged.request_id != first.pk
    assert Message.objects.filter(request=first, direction="inbound").count() == 1
    (flag,) = [
        f
        for f in Request.objects.get(pk=forged.request_id).flags
        if f["code"] == "authentication_failed"
    ]
    assert "spf=fail, dmarc=fail" in flag["message"]
    assert first.display_number in flag["message"]
    # No automated reply goes to a sender that may be forged: the acknowledgement is
    # kept, suppressed with the reason, for the agent to see.
    (ack,) = Outbox.objects.filter(request_id=forged.request_id)
    assert ack.state == Outbox.State.SUPPRESSED
    assert "sender authentication" in ack.reason
    assert Outbox.objects.get(request=first).state == Outbox.State.QUEUED


def test_results_from_another_host_are_not_trusted(trusted: Any) -> None:
    first = deliver(message("Printing fails")).raw.request
    spoofed = FAILED.replace("mx.desk.example", "mx.attacker.example")
    passing = "mx.desk.example; spf=pass smtp.mailfrom=kiwi.example; dmarc=pass"
    for n, results in enumerate((spoofed, passing)):
        row = deliver(_reply(first.display_number, results, f"ok{n}@kiwi.example")).raw
        assert row.request_id == first.pk
    assert Message.objects.filter(request=first, direction="inbound").count() == 3


def test_nothing_is_read_without_a_trusted_host(mail_desk: Any) -> None:
    first = deliver(message("Printing fails")).raw.request
    row = deliver(_reply(first.display_number, FAILED, "r@kiwi.example")).raw
    assert row.request_id == first.pk
