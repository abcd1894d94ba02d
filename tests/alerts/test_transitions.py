"""SLA transitions are facts: recorded once when they happen, never rewritten."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from desk.personas import Desk, ny, nz

import accord.sla.policy as policy_module
from accord.notify.alerts import alert_transitions
from accord.notify.models import Outbox
from accord.tickets import actions, restructure
from accord.tickets.intake import open_request
from accord.tickets.models import Request, SlaTarget, SlaTransition
from accord.tickets.policy_moves import move_to_version, preview_move, recompute_open
from accord.tickets.sweep import record_due
from accord.tickets.targets import targets_json

SEV1 = ny(2026, 11, 24, 10)  # Tuesday, in hours: sev1 first response 1 h elapsed, due 11:00


def _sev1(desk: Desk, received: Any = SEV1, assign: bool = True) -> Request:
    request = open_request(
        desk.lead, contact=desk.sam.pk, channel="phone", level="sev1",
        subject="Gate controller down", description="Nothing opens.",
        received=received, now=received,
    )  # fmt: skip
    if assign:
        actions.assign(desk.lead, request.number, assignee="agent", team="tier1", now=received)
    return request


def _kinds(request: Request) -> list[tuple[str, str]]:
    rows = SlaTransition.objects.filter(request=request).order_by("at", "id")
    return [(t.target, t.kind) for t in rows]


def test_it_records_a_warning_then_a_breach_once_each(desk: Desk) -> None:
    request = _sev1(desk)
    target = SlaTarget.objects.get(request=request, kind="first_response")
    assert target.warn_at == ny(2026, 11, 24, 10, 45) and target.due == ny(2026, 11, 24, 11)
    assert record_due(ny(2026, 11, 24, 10, 44)) == 0
    assert record_due(ny(2026, 11, 24, 10, 46)) == 1
    assert record_due(ny(2026, 11, 24, 10, 47)) == 0
    assert record_due(ny(2026, 11, 24, 11, 1)) == 1
    assert record_due(ny(2026, 11, 24, 11, 2)) == 0
    assert _kinds(request) == [("first_response", "warning"), ("first_response", "breached")]
    breach = SlaTransition.objects.get(request=request, kind="breached")
    assert breach.at == ny(2026, 11, 24, 11) and breach.clause and breach.level == "sev1"
    # A late reply adds the met instant; the breach stays.
    actions.post_message(
        desk.lead, request.number, body="On it.",
        now=ny(2026, 11, 24, 11, 30),
    )  # fmt: skip
    assert _kinds(request)[-1] == ("first_response", "met")
    row = SlaTarget.objects.get(request=request, kind="first_response")
    assert row.state == "breached" and row.met_at == ny(2026, 11, 24, 11, 30)


def test_it_alerts_each_transition_once_by_the_rules(desk: Desk) -> None:
    request = _sev1(desk)
    record_due(ny(2026, 11, 24, 10, 46))
    record_due(ny(2026, 11, 24, 11, 1))
    now = ny(2026, 11, 24, 11, 2)
    assert alert_transitions(now) == 2
    assert alert_transitions(now) == 0
    mails = sorted(
        (row.to_email, row.subject) for row in Outbox.objects.filter(kind="alert", request=request)
    )
    assert mails == [
        ("agent@desk.example", f"[{request.display_number}] SLA breached: first response breached"),
        ("agent@desk.example", f"[{request.display_number}] SLA warning: first response due soon"),
        ("boss@desk.example", f"[{request.display_number}] SLA breached: first response breached"),
    ]
    assert not Outbox.objects.filter(kind="alert", to_email="sam@gate.example").exists()


def test_it_sends_the_team_no_alert_at_3am_for_an_elapsed_clock(desk: Desk) -> None:
    night = ny(2026, 11, 24, 1)  # after hours: sev1 2 h elapsed, warning at 02:30
    request = _sev1(desk, night, assign=False)
    actions.assign(desk.lead, request.number, assignee=None, team="tier1", now=night)
    record_due(ny(2026, 11, 24, 2, 31))
    alert_transitions(ny(2026, 11, 24, 2, 31))
    assert list(Outbox.objects.filter(kind="alert").values_list("to_email", flat=True)) == [
        "boss@desk.example"
    ]


def test_it_records_imported_history_but_sends_nothing(desk: Desk, clock: Any) -> None:
    past = ny(2026, 11, 2, 10)  # a month before the desk recorded it: breached long ago
    request = open_request(
        desk.lead, contact=desk.sam.pk, channel="phone", level="sev1",
        subject="Imported", description="From the old desk.", received=past,
    )  # fmt: skip
    assert _kinds(request) == [("first_response", "breached")]
    assert alert_transitions(clock.at) == 1
    assert not Outbox.objects.filter(kind="alert").exists()
    assert SlaTransition.objects.get(request=request).alerted is not None


def test_it_records_a_pause_a_resume_and_a_reopen_keeping_the_met_row(desk: Desk) -> None:
    t0 = nz(2026, 11, 23, 10)
    request = open_request(
        desk.lead, contact=desk.mere.pk, channel="email", level="urgent",
        subject="Crash", description="It crashes.", received=t0, now=t0,
    )  # fmt: skip
    for hours, status in ((1, "waiting_on_customer"), (2, "open"), (3, "resolved"), (4, "open")):
        actions.change_status(desk.lead, request.number, to=status, now=t0 + timedelta(hours=hours))
    res = [k for t, k in _kinds(request) if t == "resolution"]
    assert res == ["paused", "resumed", "met", "reopened"]
    assert SlaTarget.objects.get(request=request, kind="resolution").state == "running"


@pytest.fixture
def policy_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("capella", "capsure"):
        shutil.copy(policy_module.POLICY_DIR / f"{name}.toml", tmp_path / f"{name}.toml")
    monkeypatch.setattr(policy_module, "POLICY_DIR", tmp_path)
    monkeypatch.setattr(policy_module, "_PATHS", {})  # names found under the shipped dir
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def _breached_capella(desk: Desk) -> Request:
    t0 = nz(2026, 11, 23, 10)  # Monday: urgent first response, 1 support hour, due 11:00
    request = open_request(
        desk.lead, contact=desk.mere.pk, channel="email", level="urgent",
        subject="Crash", description="It crashes.", received=t0, now=t0,
    )  # fmt: skip
    assert record_due(nz(2026, 11, 23, 11, 30)) == 1
    row = SlaTarget.objects.get(request=request, kind="first_response")
    assert (row.state, row.breached_at) == ("breached", nz(2026, 11, 23, 11))
    return request


def _first_response(request: Request, at: Any) -> Any:
    return targets_json(Request.objects.get(pk=request.pk), at)["first_response"]


def test_a_calendar_correction_leaves_a_recorded_breach_untouched(
    desk: Desk, policy_dir: Path
) -> None:
    request = _breached_capella(desk)
    before = list(SlaTransition.objects.filter(request=request).values())
    # Monday becomes a holiday: the engine alone would now say "running, due Tuesday".
    _edit(policy_dir / "capella.toml", "dates = []", "dates = [2026-11-23]")
    now = nz(2026, 11, 23, 12)
    recompute_open("capella", now)
    row = SlaTarget.objects.get(request=request, kind="first_response")
    assert (row.state, row.breached_at) == ("breached", nz(2026, 11, 23, 11))
    shown = _first_response(request, now)
    assert shown["state"] == "breached" and shown["breached_at"] == "2026-11-23T11:00:00+13:00"
    assert list(SlaTransition.objects.filter(request=request).values()) == before


def test_a_policy_move_leaves_a_recorded_breach_untouched_and_says_so(
    desk: Desk, policy_dir: Path
) -> None:
    request = _breached_capella(desk)
    path = policy_dir / "capella.toml"
    _edit(path, 'version = "2022"', 'version = "2027"')
    _edit(path, "effective = 2022-01-01", "effective = 2026-11-01")
    _edit(path, 'within = "1 support hour"', 'within = "8 support hours"')
    now = nz(2026, 11, 23, 12)
    open_request(
        desk.lead, contact=desk.mere.pk, channel="email", level="low",
        subject="Records 2027", description="x", now=now,
    )  # fmt: skip
    moves, _ = preview_move("capella", "2027", now)
    kept = [m for m in moves if m.number == request.display_number and m.kind == "first_response"]
    assert len(kept) == 1 and kept[0].kept and kept[0].before.startswith("breached")
    assert kept[0].after.startswith("running")  # what the engine alone would have said
    move_to_version(desk.lead, request.display_number, "2027", now)
    row = SlaTarget.objects.get(request=request, kind="first_response")
    assert (row.state, row.breached_at) == ("breached", nz(2026, 11, 23, 11))
    assert _first_response(request, now)["state"] == "breached"
    assert [k for t, k in _kinds(request) if t == "first_response"] == ["breached"]


def test_a_merge_keeps_the_recorded_verdicts_of_both_requests(desk: Desk) -> None:
    source = _breached_capella(desk)
    target = open_request(
        desk.lead, contact=desk.mere.pk, channel="email", level="high",
        subject="Same crash", description="x", now=nz(2026, 11, 23, 12),
    )  # fmt: skip
    restructure.merge(desk.lead, source.number, into=target.number, now=nz(2026, 11, 23, 12, 5))
    kept = SlaTarget.objects.get(request=source, kind="first_response")
    assert (kept.state, kept.breached_at) == ("breached", nz(2026, 11, 23, 11))
    assert not SlaTarget.objects.filter(request=source, kind="resolution").exists()
    assert ("resolution", "disappeared") in _kinds(source)
    assert _first_response(source, nz(2026, 11, 23, 13))["state"] == "breached"
