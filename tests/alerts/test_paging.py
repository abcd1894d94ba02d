"""After-hours paging: the rota, the page at once, the ladder, acknowledgement, once each.

A capsure severity 1 phoned in at 22:00 (US Eastern, after hours: 2 hours elapsed)
pages whoever is on call; unacknowledged, it pages the next in the rota after
ACCORD_PAGE_ACK_MINUTES (15), then the managers. Service level here; the worker
processes, the SMTP sink, the webhook receiver and the browser are in
test_paging_live.py and tests/web/test_oncall_page.py.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from desk.personas import Desk, ny

from accord.accounts import services as accounts
from accord.accounts.actor import staff
from accord.errors import Forbidden, Invalid
from accord.notify import oncall, paging
from accord.notify.models import Outbox, Page, PageStep, WebhookDelivery
from accord.notify.webhooks import create_webhook
from accord.tickets import actions
from accord.tickets.intake import open_request
from accord.tickets.models import Request
from accord.worker.tasks import alert, escalate

NIGHT = ny(2026, 11, 24, 22)  # Tuesday 22:00 New York: after hours
DAY = ny(2026, 11, 24, 10)


@pytest.fixture
def rota(desk: Desk) -> dict[str, Any]:
    """agent on call this week for capsure, then `bob`; a manager `boss` (conftest)."""
    accounts.create_user("bob", role="agent", team="tier1", email="bob@desk.example", now=NIGHT)
    boss = staff(accounts.create_user("chief", role="manager", now=NIGHT))
    shifts = oncall.rotate(
        boss, name="capsure nights", members=["agent", "bob"], starts="2026-11-23 09:00",
        weeks=2, policy="capsure", now=NIGHT,
    )  # fmt: skip
    return {"manager": boss, "shifts": shifts}


def _sev1(desk: Desk, at: Any = NIGHT, level: str = "sev1", channel: str = "phone") -> Request:
    return open_request(
        desk.lead, contact=desk.sam.pk, channel=channel, level=level,
        subject="Gate controller down", description="Nothing opens.", received=at, now=at,
    )  # fmt: skip


def _pages(request: Request) -> list[tuple[str, list[str], str]]:
    steps = PageStep.objects.filter(page__request=request).order_by("page", "n")
    return [(s.kind, s.users, s.note) for s in steps]


def _page_mail(request: Request) -> list[str]:
    rows = Outbox.objects.filter(request=request, notice_key__startswith="page:")
    return sorted(rows.values_list("to_email", flat=True))


def test_it_makes_a_weekly_rotation_handing_over_at_local_time(rota: dict[str, Any]) -> None:
    first, second = rota["shifts"]
    assert (first.user.username, second.user.username) == ("agent", "bob")
    assert first.starts == ny(2026, 11, 23, 9) and first.ends == second.starts
    assert second.ends == ny(2026, 12, 7, 9)
    assert oncall.on_call(NIGHT, "capsure", None).user.username == "agent"  # type: ignore[union-attr]
    assert oncall.on_call(NIGHT, "capella", None) is None  # the rotation is capsure's


def test_it_pages_the_on_call_agent_at_once_then_climbs_the_ladder(
    desk: Desk, rota: dict[str, Any], receiver: Any
) -> None:
    create_webhook(desk.lead, url=receiver.url, events=["page"], secret="x" * 20)
    request = _sev1(desk)
    alert(NIGHT + timedelta(seconds=5))
    assert _pages(request) == [("oncall", ["agent"], f"shift {rota['shifts'][0].pk}")]
    assert _page_mail(request) == ["agent@desk.example"]
    mail = Outbox.objects.get(request=request, notice_key__startswith="page:")
    assert mail.subject == f"[{request.display_number}] PAGE: Severity 1 after hours"
    assert "/pages/ack/" in mail.body_text and "Tue 24 Nov 2026 23:59" not in mail.body_text
    assert "due Wed 25 Nov 2026 00:00 EST" in mail.body_text
    body = WebhookDelivery.objects.get(event="page").body
    assert '"kind":"oncall"' in body and '"paged":["agent"]' in body

    assert escalate(NIGHT + timedelta(minutes=14)) == 0  # not yet: 15 minutes to acknowledge
    assert escalate(NIGHT + timedelta(minutes=16)) == 1
    assert escalate(NIGHT + timedelta(minutes=16)) == 0  # once
    assert [k for k, _, _ in _pages(request)] == ["oncall", "next"]
    assert _pages(request)[1][1] == ["bob"]
    assert escalate(NIGHT + timedelta(minutes=32)) == 1
    assert _pages(request)[2][:2] == ("managers", ["boss", "chief"])
    assert escalate(NIGHT + timedelta(hours=3)) == 0  # the ladder ends with the managers
    assert _page_mail(request) == ["agent@desk.example", "bob@desk.example", "boss@desk.example"]
    assert WebhookDelivery.objects.filter(event="page").count() == 3


def test_an_acknowledgement_stops_the_ladder_and_is_recorded_once(
    desk: Desk, rota: dict[str, Any]
) -> None:
    request = _sev1(desk)
    alert(NIGHT)
    page = Page.objects.get(request=request)
    paging.acknowledge(desk.agent, page.pk, via="desk", now=NIGHT + timedelta(minutes=3))
    paging.acknowledge(desk.lead, page.pk, via="api", now=NIGHT + timedelta(minutes=4))
    page.refresh_from_db()
    assert (page.acknowledged, page.acknowledged_by) == (NIGHT + timedelta(minutes=3), "agent")
    assert page.next_at is None and page.ended == "acknowledged"
    assert escalate(NIGHT + timedelta(hours=1)) == 0
    assert [k for k, _, _ in _pages(request)] == ["oncall", "acknowledged"]


def test_with_nobody_on_call_the_managers_are_paged_and_told_why(desk: Desk) -> None:
    request = _sev1(desk)
    alert(NIGHT)
    assert _pages(request) == [("managers", ["boss"], "nobody on call: the managers are paged")]
    assert _page_mail(request) == ["boss@desk.example"]


def test_it_pages_nobody_in_hours_or_for_a_level_without_an_after_hours_target(
    desk: Desk, rota: dict[str, Any]
) -> None:
    _sev1(desk, DAY)
    _sev1(desk, level="sev3")
    alert(NIGHT + timedelta(minutes=1))
    assert not Page.objects.exists()


def test_a_page_answered_meanwhile_ends_its_ladder(desk: Desk, rota: dict[str, Any]) -> None:
    request = _sev1(desk)
    alert(NIGHT)
    actions.post_message(desk.lead, request.number, body="On it.", now=NIGHT + timedelta(minutes=5))
    assert escalate(NIGHT + timedelta(minutes=16)) == 1
    assert [k for k, _, _ in _pages(request)] == ["oncall", "answered"]
    assert Page.objects.get(request=request).next_at is None


def test_an_override_wins_over_the_rotation(desk: Desk, rota: dict[str, Any]) -> None:
    oncall.add_shift(
        rota["manager"], user="bob", starts="2026-11-24 18:00", ends="2026-11-25 08:00",
        policy="capsure", override=True, now=NIGHT,
    )  # fmt: skip
    request = _sev1(desk)
    alert(NIGHT)
    assert _pages(request)[0][1] == ["bob"]
    assert escalate(NIGHT + timedelta(minutes=16)) == 1
    assert _pages(request)[1][:2] == ("next", ["agent"])  # the rotation's shift is the backup


def test_the_rota_refuses_bad_input_naming_the_field(desk: Desk, rota: dict[str, Any]) -> None:
    boss = rota["manager"]
    with pytest.raises(Forbidden):
        oncall.add_shift(desk.agent, user="agent", starts="2026-11-24 18:00", ends="2026-11-25")
    cases = [
        ({"user": "nobody"}, "user"),
        ({"starts": "tomorrow"}, "starts"),
        ({"ends": "2026-11-24 17:00"}, "ends"),
        ({"policy": "acme"}, "policy"),
        ({"team": "tier9"}, "team"),
    ]
    for change, field in cases:
        args = {"user": "agent", "starts": "2026-11-24 18:00", "ends": "2026-11-25 08:00"}
        with pytest.raises(Invalid) as caught:
            oncall.add_shift(boss, **{**args, **change})  # type: ignore[arg-type]
        assert caught.value.field == field


def test_raising_a_night_request_to_severity_1_pages_once(desk: Desk, rota: dict[str, Any]) -> None:
    request = _sev1(desk, level="sev3")  # no after-hours target: no page
    alert(NIGHT + timedelta(minutes=1))
    assert not Page.objects.exists()
    later = NIGHT + timedelta(minutes=10)
    actions.change_level(desk.lead, request.number, to="sev1", now=later)
    actions.change_level(desk.lead, request.number, to="sev2", now=later + timedelta(minutes=1))
    alert(later + timedelta(minutes=2))
    assert [k for k, _, _ in _pages(request)] == ["oncall"]
    assert _page_mail(request) == ["agent@desk.example"]


def test_a_crash_before_the_receiver_is_swept_by_the_worker(
    desk: Desk, rota: dict[str, Any]
) -> None:
    from accord.notify.alerts import alert_request_events
    from accord.tickets.models import Event

    request = _sev1(desk)  # in tests on-commit receivers do not run: as if the process died
    assert Event.objects.filter(request=request, alerted__isnull=True).exists()
    assert alert(NIGHT + timedelta(seconds=30)) >= 1
    assert not Event.objects.filter(request=request, alerted__isnull=True).exists()
    assert alert_request_events(request.pk, NIGHT + timedelta(minutes=1)) == 0  # claimed once
    assert len(_pages(request)) == 1 and _page_mail(request) == ["agent@desk.example"]


def test_a_night_warning_of_an_unassigned_request_goes_to_the_person_on_call(
    desk: Desk, rota: dict[str, Any]
) -> None:
    from accord.notify.alerts import alert_transitions
    from accord.tickets.sweep import record_due

    request = _sev1(desk)
    record_due(NIGHT + timedelta(minutes=95))  # 75% of the 2-hour after-hours target
    alert_transitions(NIGHT + timedelta(minutes=95))
    warned = Outbox.objects.filter(request=request, notice_key__startswith="alert:t")
    assert list(warned.values_list("to_email", flat=True)) == ["agent@desk.example"]
    record_due(NIGHT + timedelta(hours=2, minutes=1))
    alert_transitions(NIGHT + timedelta(hours=2, minutes=1))
    breached = warned.filter(subject__contains="breached").values_list("to_email", flat=True)
    assert sorted(breached) == ["agent@desk.example", "boss@desk.example"]  # never the team
