"""Level changes recompute running targets as if the new level applied since notice."""

from __future__ import annotations

from tests.sla.timeline import local, run

RECEIVED = "2026-11-23 10:00"  # Monday, inside capella support hours


def test_it_breaches_at_the_past_due_when_raised_late() -> None:
    events = [("2026-11-24 10:00", "level", "urgent")]
    ev = run("capella", "low", "email", RECEIVED, events, "2026-11-24 10:00")
    fr, res = ev.first_response, ev.resolution
    assert fr is not None and res is not None
    assert (fr.state, local("capella", fr.breached_at)) == ("breached", "2026-11-23 11:00")
    assert ev.level == "urgent"
    # Resolution appears as if it had run since notice.
    assert (res.state, local("capella", res.due)) == ("running", "2026-11-26 10:00")


def test_it_drops_a_running_target_the_new_level_lacks() -> None:
    events = [("2026-11-23 10:30", "level", "low")]
    ev = run("capella", "urgent", "email", RECEIVED, events, "2026-11-23 10:30")
    assert ev.resolution is None
    assert ev.first_response is not None
    assert local("capella", ev.first_response.due) == "2026-11-27 14:00"


def test_it_keeps_met_verdicts_after_a_level_change() -> None:
    events = [
        ("2026-11-23 10:30", "agent_reply"),
        ("2026-11-23 11:00", "status", "resolved"),
        ("2026-11-24 10:00", "level", "low"),
    ]
    ev = run("capella", "urgent", "email", RECEIVED, events, "2026-11-24 10:00")
    fr, res = ev.first_response, ev.resolution
    assert fr is not None and res is not None
    assert (fr.state, fr.within_seconds, fr.level) == ("met", 3600, "urgent")
    assert (res.state, res.level) == ("met", "urgent")


def test_it_keeps_the_after_hours_choice_made_at_notice() -> None:
    # sev3 phoned at 22:00 is after hours; raised to sev1 at 23:00 it gets sev1's
    # after-hours target (2 h elapsed from 22:00), not the in-hours one.
    events = [("2026-11-24 23:00", "level", "sev1")]
    ev = run("capsure", "sev3", "phone", "2026-11-24 22:00", events, "2026-11-24 23:00")
    fr = ev.first_response
    assert fr is not None
    assert ev.in_hours is False
    assert (fr.state, fr.clock, local("capsure", fr.due)) == (
        "running",
        "elapsed",
        "2026-11-25 00:00",
    )


def test_it_breaches_at_the_recomputed_instant_when_raised_after_it() -> None:
    events = [("2026-11-25 08:00", "level", "sev1")]
    ev = run("capsure", "sev3", "phone", "2026-11-24 22:00", events, "2026-11-25 08:00")
    fr = ev.first_response
    assert fr is not None
    assert (fr.state, local("capsure", fr.breached_at)) == ("breached", "2026-11-25 00:00")


def test_it_recomputes_in_hours_severity_changes() -> None:
    events = [("2026-11-24 10:30", "level", "sev1")]
    ev = run("capsure", "sev2", "phone", "2026-11-24 10:00", events, "2026-11-24 10:30")
    assert ev.first_response is not None
    assert local("capsure", ev.first_response.due) == "2026-11-24 11:00"


def test_it_keeps_paused_time_excluded_after_a_level_change() -> None:
    events = [
        ("2026-11-23 12:00", "status", "waiting_on_customer"),
        ("2026-11-24 12:00", "status", "open"),
        ("2026-11-24 13:00", "level", "high"),  # 48 support hours, 8 of them paused
    ]
    ev = run("capella", "urgent", "email", RECEIVED, events, "2026-11-24 13:00")
    assert ev.resolution is not None
    assert local("capella", ev.resolution.due) == "2026-12-02 10:00"
