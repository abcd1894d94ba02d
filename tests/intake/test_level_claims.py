"""A level stated in the mail sets the level at intake, for an agent to confirm."""

from __future__ import annotations

import itertools
from typing import Any

from django.test import Client

from accord.notify.models import Outbox
from accord.tickets.models import Request

from .support import CAPELLA, CAPSURE, deliver, message

_ids = itertools.count(1)


def _mail(subject: str, body: str, *, to: str = CAPSURE, sender: str = "sam@gate.example"):
    raw = message(subject, sender=sender, to=to, body=body, message_id=f"lc{next(_ids)}@gate")
    return deliver(raw).raw.request


def _flag(request: Request, code: str) -> dict[str, str]:
    return next(f for f in request.flags if f["code"] == code)


def test_a_severity_1_subject_opens_a_sev1_flagged_for_confirmation(mail_desk: Any) -> None:
    request = _mail("[Severity 1] All gates down at Riverside", "Nobody can get in or out.")
    assert (request.level, request.initial_level) == ("sev1", "sev1")  # the address says sev3
    flag = _flag(request, "customer_stated_level")
    assert flag["words"] == "Severity 1" and flag["clause"] == "Severity table: Severity 1"
    assert not [f for f in request.flags if f["code"] == "level_not_triaged"]
    ack = Outbox.objects.get(request=request).body_text
    assert "Severity 1: Problem with a catastrophic impact" in ack
    assert "Target for first response" in ack
    assert "How it is resolved" not in ack and "beta file" not in ack
    assert "An agent will confirm this level" in ack


def test_urgent_with_severity_1_in_the_first_lines_is_sev1(mail_desk: Any) -> None:
    request = _mail("URGENT gates", "Hello,\nSeverity 1! The controller is offline.\nSam")
    assert request.level == "sev1"
    assert _flag(request, "customer_stated_level")["words"] == "Severity 1"  # explicit first


def test_explicit_wording_wins_over_an_adjective(mail_desk: Any) -> None:
    assert _mail("Sev 2 - urgent please", "Badge reader fails at the pool.").level == "sev2"
    high = _mail(
        "Invoices not posting",
        "Priority: High\nInvoices fail to post since 9am.",
        to=CAPELLA,
        sender="mere@kiwi.example",
    )
    assert (high.level, _flag(high, "customer_stated_level")["words"]) == ("high", "Priority: High")


def test_without_a_claim_the_address_level_applies_untriaged_and_no_method_is_promised(
    mail_desk: Any,
) -> None:
    request = _mail("Camera offline", "The pool camera shows a black image.")
    assert request.level == "sev3"
    assert "help@capsure.example" in _flag(request, "level_not_triaged")["message"]
    ack = Outbox.objects.get(request=request).body_text
    assert "next scheduled release" not in ack and "How it is resolved" not in ack


def test_a_level_only_in_quoted_text_or_deep_in_the_mail_is_not_a_claim(mail_desk: Any) -> None:
    quoted = _mail(
        "Re: camera",
        "Still black.\n\nOn Mon, 23 Nov 2026, Sam <sam@gate.example> wrote:\n> Severity 1",
    )
    assert quoted.level == "sev3"
    deep = _mail("Camera", "a\nb\nc\nd\ne\nf\nThis is not urgent at all.")
    assert deep.level == "sev3" and _flag(deep, "level_not_triaged")


def test_an_agent_confirming_or_changing_the_level_clears_the_flag(mail_desk: Any) -> None:
    from accord.accounts import services as accounts

    token = accounts.create_token(user="lead")
    api = Client(headers={"Authorization": f"Bearer {token}"})
    stated = _mail("[Severity 1] All gates down", "Nobody can get in.")
    res = api.post(
        f"/api/v1/requests/{stated.number}/level", {"to": "sev1"}, content_type="application/json"
    )
    assert res.status_code == 200, res.content
    stated.refresh_from_db()
    assert stated.level == "sev1" and not stated.flags
    assert stated.events.filter(kind="level_confirmed").exists()
    again = api.post(
        f"/api/v1/requests/{stated.number}/level", {"to": "sev1"}, content_type="application/json"
    )
    assert (again.status_code, again.json()["field"]) == (409, "to")
    plain = _mail("Camera offline", "Black image.")
    api.post(
        f"/api/v1/requests/{plain.number}/level", {"to": "sev2"}, content_type="application/json"
    )
    plain.refresh_from_db()
    assert plain.level == "sev2" and not [f for f in plain.flags if f["code"].startswith("level")]
