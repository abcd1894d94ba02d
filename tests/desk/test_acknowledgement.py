"""The automated acknowledgement: number, level, targets, and out-of-hours advice."""

from __future__ import annotations

from accord.tickets.intake import open_request
from accord.tickets.models import Message

from .personas import Desk, ny


def _ack_text(request_pk: int) -> str:
    return Message.objects.get(request_id=request_pk, automated=True).body_text


def test_it_gives_out_of_hours_advice_to_a_night_email(desk: Desk) -> None:
    received = ny(2026, 11, 24, 22, 0)  # notice deferred to Wed 08:30, in hours
    request = open_request(
        desk.lead, contact=desk.sam.pk, channel="email", level="sev1",
        subject="Gate controller offline", description="All clients unusable.",
        received=received, now=received,
    )  # fmt: skip
    text = _ack_text(request.pk)
    assert request.display_number in text
    assert "Severity 1" in text
    assert "call 866-416-4800" in text


def test_it_gives_no_out_of_hours_advice_in_business_hours(desk: Desk) -> None:
    received = ny(2026, 11, 24, 10, 0)
    request = open_request(
        desk.lead, contact=desk.sam.pk, channel="email", level="sev3",
        subject="Slow reports", description="Reports take minutes.",
        received=received, now=received,
    )  # fmt: skip
    assert "866-416-4800" not in _ack_text(request.pk)
