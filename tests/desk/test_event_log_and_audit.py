"""Every change writes the event log and the audit trail in its own transaction."""

from __future__ import annotations

import pytest

from accord.audit.models import AuditEntry
from accord.errors import Conflict
from accord.tickets import actions, intake
from accord.tickets.models import Event

from .personas import nz


def _open(desk, clock):
    return intake.open_request(
        desk.lead,
        contact=desk.mere.pk,
        channel="email",
        level="high",
        subject="S",
        description="D",
        now=clock.at,
    )


def test_it_logs_who_did_what_when_on_opening(desk, clock):
    r = _open(desk, clock)
    assert [(e.kind, e.actor) for e in r.events.all()] == [
        ("opened", "user:lead"),
        ("scope", "user:lead"),
        ("auto_reply", "user:lead"),
    ]
    entry = AuditEntry.objects.filter(action="request.open").get()
    assert (entry.actor, entry.object_id, entry.at) == ("user:lead", str(r.pk), clock.at)


def test_it_writes_one_audit_entry_per_action(desk, clock):
    r = _open(desk, clock)
    clock.set(nz(2026, 11, 23, 9))
    actions.post_message(desk.agent, r.number, body="Hello", now=clock.at)
    actions.change_status(desk.agent, r.number, to="waiting_on_customer", now=clock.at)
    actions.change_level(desk.agent, r.number, to="urgent", now=clock.at)
    assert list(
        AuditEntry.objects.filter(object_id=str(r.pk), object_type="tickets.request").values_list(
            "action", "actor"
        )
    ) == [
        ("request.open", "user:lead"),
        ("request.agent_reply", "user:agent"),
        ("request.status", "user:agent"),
        ("request.level", "user:agent"),
    ]
    assert [e.seq for e in r.events.all()] == list(range(1, 7))


def test_it_rolls_back_everything_when_a_change_is_refused(desk, clock):
    r = _open(desk, clock)
    before = (Event.objects.count(), AuditEntry.objects.count())
    with pytest.raises(Conflict):
        actions.change_status(desk.agent, r.number, to="closed", now=clock.at)
    assert (Event.objects.count(), AuditEntry.objects.count()) == before


def test_it_keeps_the_event_log_append_only(desk, clock):
    event = _open(desk, clock).events.first()
    event.kind = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


def test_it_keeps_the_stored_targets_in_step_with_the_log(desk, clock):
    r = _open(desk, clock)
    row = r.targets.get(kind="resolution")
    assert (row.state, row.clock) == ("running", "business")
    clock.set(nz(2026, 11, 23, 10))
    actions.change_status(desk.agent, r.number, to="waiting_on_customer", now=clock.at)
    row.refresh_from_db()
    assert (row.state, row.due, row.computed_at) == ("paused", None, clock.at)


def test_it_announces_a_new_request_only_after_commit(
    desk, clock, django_capture_on_commit_callbacks
):
    from accord.tickets.signals import request_opened

    seen: list[int] = []

    def receiver(sender, request_id, **kwargs):
        seen.append(request_id)

    request_opened.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            r = _open(desk, clock)
        assert seen == []
        for callback in callbacks:
            callback()
        assert seen == [r.pk]
    finally:
        request_opened.disconnect(receiver)
