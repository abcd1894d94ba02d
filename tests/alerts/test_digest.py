"""A manager's digest: a mass breach becomes one mail, not one per request."""

from __future__ import annotations

import email
import email.policy
from datetime import timedelta
from typing import Any

from desk.personas import Desk, ny
from intake.support import CliDesk

from accord.intake.config import parse_smtp_url
from accord.notify.alerts import alert_transitions
from accord.notify.models import DigestItem, Outbox
from accord.notify.preferences import set_alert_digest
from accord.notify.transport import SmtpTransport
from accord.tickets import actions
from accord.tickets.intake import open_request
from accord.tickets.sweep import record_due
from accord.worker.tasks import digests, send_outbox

DAY = ny(2026, 11, 24, 10)  # in hours: sev1 due 11:00
COUNT = 6


def test_a_mass_breach_reaches_a_digest_manager_as_one_mail(desk: Desk, smtp_server: Any) -> None:
    set_alert_digest("boss", True)
    numbers = []
    for _ in range(COUNT):
        request = open_request(
            desk.lead, contact=desk.sam.pk, channel="phone", level="sev1", subject="Gate down",
            description="Nothing opens.", received=DAY, now=DAY,
        )  # fmt: skip
        actions.assign(desk.lead, request.number, assignee="agent", team="tier1", now=DAY)
        numbers.append(request.display_number)
    record_due(ny(2026, 11, 24, 11, 1))
    alert_transitions(ny(2026, 11, 24, 11, 2))
    assert not Outbox.objects.filter(to_email="boss@desk.example").exists()
    assert Outbox.objects.filter(to_email="agent@desk.example").count() == COUNT  # not held
    assert DigestItem.objects.filter(user__username="boss").count() == COUNT
    alert_transitions(ny(2026, 11, 24, 11, 3))
    assert digests(ny(2026, 11, 24, 11, 30)) == 0  # the period (60 minutes) is still open
    assert digests(ny(2026, 11, 24, 12, 3)) == 1
    assert digests(ny(2026, 11, 24, 12, 4)) == 0  # once
    transport = SmtpTransport(parse_smtp_url(f"smtp://{smtp_server.host}:{smtp_server.port}"))
    send_outbox(transport, ny(2026, 11, 24, 12, 5))
    to_boss = [d for _, rcpts, d in smtp_server.messages if rcpts == ["boss@desk.example"]]
    assert len(to_boss) == 1
    msg = email.message_from_bytes(to_boss[0], policy=email.policy.default)
    assert str(msg["Subject"]) == f"Accord digest: {COUNT} alerts, {COUNT} breached"
    text = msg.get_body(preferencelist=("plain",)).get_content()
    assert all(f"{n} SLA breached: first response breached" in text for n in numbers)
    # A later breach opens a new period.
    later = open_request(
        desk.lead, contact=desk.sam.pk, channel="phone", level="sev1", subject="Again",
        description="Down again.", received=DAY + timedelta(hours=3), now=DAY + timedelta(hours=3),
    )  # fmt: skip
    record_due(DAY + timedelta(hours=4, minutes=1))
    alert_transitions(DAY + timedelta(hours=4, minutes=2))
    assert digests(DAY + timedelta(hours=5, minutes=3)) == 1
    last = Outbox.objects.filter(to_email="boss@desk.example").order_by("-id").first()
    assert last is not None and later.display_number in last.body_text
    assert numbers[0] not in last.body_text


def test_the_digest_is_chosen_on_the_command_line(cli_desk: CliDesk) -> None:
    on = cli_desk.accord("user", "alerts", "agent", "--digest", "on")
    assert on.returncode == 0, on.stderr
    assert on.stdout.decode().strip().endswith("(in a digest)")
    off = cli_desk.accord("user", "alerts", "agent", "--digest", "off")
    assert not off.stdout.decode().strip().endswith("(in a digest)")
    bad = cli_desk.accord("user", "alerts", "agent", "--digest", "maybe")
    assert bad.returncode == 2 and "--digest" in bad.stderr.decode()
