"""Resolution: paused while waiting on the customer, met by workaround/resolved,
resumed with its elapsed time by a reopen; breaches are never voided."""

from __future__ import annotations

from tests.sla.timeline import local, run

RECEIVED = "2026-11-23 10:00"  # Monday, capella urgent: resolution due Thu 26th 10:00


def test_it_starts_with_24_support_hours_for_urgent() -> None:
    ev = run("capella", "urgent", "email", RECEIVED, [], RECEIVED)
    assert ev.resolution is not None
    assert local("capella", ev.resolution.due) == "2026-11-26 10:00"
    assert ev.resolution.within_seconds == 24 * 3600


def test_it_moves_the_due_by_the_paused_support_time() -> None:
    events = [
        ("2026-11-23 12:00", "status", "waiting_on_customer"),
        ("2026-11-24 12:00", "status", "open"),  # 8 support hours later
    ]
    ev = run("capella", "urgent", "email", RECEIVED, events, "2026-11-24 12:00")
    assert ev.resolution is not None
    assert ev.resolution.state == "running"
    assert local("capella", ev.resolution.due) == "2026-11-27 10:00"


def test_it_has_no_due_and_cannot_breach_while_paused() -> None:
    events = [("2026-11-23 10:30", "status", "waiting_on_customer")]
    ev = run("capella", "urgent", "email", RECEIVED, events, "2027-01-30 10:00")
    assert ev.resolution is not None
    assert (ev.resolution.state, ev.resolution.due, ev.resolution.breached_at) == (
        "paused",
        None,
        None,
    )


def test_it_is_met_by_a_workaround() -> None:
    events = [("2026-11-24 15:00", "status", "workaround_provided")]
    ev = run("capella", "urgent", "email", RECEIVED, events, "2026-11-30 10:00")
    assert ev.resolution is not None
    assert ev.resolution.state == "met"
    assert local("capella", ev.resolution.met_at) == "2026-11-24 15:00"


def test_it_resumes_with_the_elapsed_time_kept_when_reopened() -> None:
    events = [
        ("2026-11-23 12:00", "status", "resolved"),  # 2 of 24 hours used
        ("2026-11-24 09:00", "status", "open"),
    ]
    ev = run("capella", "urgent", "email", RECEIVED, events, "2026-11-24 10:00")
    res = ev.resolution
    assert res is not None
    assert (res.state, res.met_at) == ("running", None)
    assert local("capella", res.due) == "2026-11-26 15:00"


def test_it_never_voids_a_breach_on_reopen() -> None:
    events = [
        ("2026-11-27 10:00", "status", "resolved"),  # a day late
        ("2026-11-30 10:00", "status", "open"),
    ]
    ev = run("capella", "urgent", "email", RECEIVED, events, "2026-11-30 11:00")
    res = ev.resolution
    assert res is not None
    assert res.state == "breached"
    assert local("capella", res.breached_at) == "2026-11-26 10:00"


def test_it_applies_statuses_dated_before_notice_at_notice() -> None:
    # Saturday email: notice Monday 09:00; waiting from Saturday until Monday 13:00
    # pauses the clock from 09:00 to 13:00.
    events = [
        ("2026-11-21 11:00", "status", "waiting_on_customer"),
        ("2026-11-23 13:00", "status", "open"),
    ]
    ev = run("capella", "medium", "email", "2026-11-21 10:00", events, "2026-11-23 13:00")
    assert local("capella", ev.notice) == "2026-11-23 09:00"
    assert ev.resolution is not None
    assert local("capella", ev.resolution.due) == "2026-12-04 13:00"


def test_it_has_no_resolution_target_for_capsure() -> None:
    events = [("2026-11-24 11:00", "status", "resolved")]
    ev = run("capsure", "sev2", "phone", "2026-11-24 10:00", events, "2026-11-24 12:00")
    assert ev.resolution is None
