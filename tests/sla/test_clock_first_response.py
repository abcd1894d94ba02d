"""First response: met only by a public human agent reply; never pauses."""

from __future__ import annotations

from tests.sla.timeline import local, run

RECEIVED = "2026-11-23 10:00"  # Monday, inside capella support hours


def test_it_is_met_by_an_agent_reply() -> None:
    ev = run("capella", "urgent", "email", RECEIVED, [("2026-11-23 10:40", "agent_reply")],
             "2026-11-23 12:00")  # fmt: skip
    fr = ev.first_response
    assert fr is not None
    assert (fr.state, local("capella", fr.met_at), fr.breached_at) == (
        "met",
        "2026-11-23 10:40",
        None,
    )
    assert local("capella", fr.due) == "2026-11-23 11:00"


def test_it_ignores_automated_replies_internal_notes_and_customer_replies() -> None:
    events = [
        ("2026-11-23 10:00", "auto_reply"),
        ("2026-11-23 10:10", "internal_note"),
        ("2026-11-23 10:20", "customer_reply"),
    ]
    ev = run("capella", "urgent", "email", RECEIVED, events, "2026-11-23 10:59")
    assert ev.first_response is not None
    assert ev.first_response.state == "running"
    assert local("capella", ev.first_response.due) == "2026-11-23 11:00"


def test_it_counts_a_reply_exactly_at_the_due_instant_as_met() -> None:
    ev = run("capella", "urgent", "email", RECEIVED, [("2026-11-23 11:00", "agent_reply")],
             "2026-11-23 12:00")  # fmt: skip
    assert ev.first_response is not None
    assert ev.first_response.state == "met"


def test_it_breaches_one_second_late_and_keeps_both_instants() -> None:
    ev = run("capella", "urgent", "email", RECEIVED, [("2026-11-23 11:00:01", "agent_reply")],
             "2026-11-23 12:00")  # fmt: skip
    fr = ev.first_response
    assert fr is not None
    assert fr.state == "breached"
    assert local("capella", fr.breached_at) == "2026-11-23 11:00"
    assert local("capella", fr.met_at) == "2026-11-23 11:00:01"


def test_it_reads_a_running_target_past_its_due_as_breached() -> None:
    ev = run("capella", "urgent", "email", RECEIVED, [], "2026-11-23 11:00:01")
    assert ev.first_response is not None
    assert ev.first_response.state == "breached"
    assert local("capella", ev.first_response.breached_at) == "2026-11-23 11:00"


def test_it_is_still_running_at_exactly_the_due_instant() -> None:
    ev = run("capella", "urgent", "email", RECEIVED, [], "2026-11-23 11:00")
    assert ev.first_response is not None
    assert ev.first_response.state == "running"


def test_it_does_not_pause_while_waiting_on_the_customer() -> None:
    events = [("2026-11-23 10:10", "status", "waiting_on_customer")]
    ev = run("capella", "urgent", "email", RECEIVED, events, "2026-11-23 11:30")
    assert ev.first_response is not None
    assert ev.first_response.state == "breached"


def test_it_counts_a_reply_before_notice_at_its_own_time() -> None:
    # An email at 22:00 gives notice at 08:30; a reply at 23:00 meets the target then.
    ev = run("capsure", "sev1", "email", "2026-11-24 22:00", [("2026-11-24 23:00", "agent_reply")],
             "2026-11-25 12:00")  # fmt: skip
    fr = ev.first_response
    assert fr is not None
    assert fr.state == "met"
    assert local("capsure", fr.met_at) == "2026-11-24 23:00"
    assert local("capsure", fr.due) == "2026-11-25 09:30"


def test_it_keeps_a_breach_after_a_late_reply_forever() -> None:
    events = [("2026-11-23 12:00", "agent_reply")]
    ev = run("capella", "urgent", "email", RECEIVED, events, "2026-12-23 12:00")
    fr = ev.first_response
    assert fr is not None
    assert fr.state == "breached"
    assert local("capella", fr.met_at) == "2026-11-23 12:00"
