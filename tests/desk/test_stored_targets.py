"""A new request's log and stored targets are what reading them back gives.

`open_request` writes a new request's whole log itself, so it evaluates the
targets from the events in hand instead of reading them back; `store_targets`
updates rows in place and removes those of targets that no longer apply.
"""

from __future__ import annotations

from typing import Any

from accord.tickets import intake
from accord.tickets.models import Request, SlaTarget
from accord.tickets.targets import evaluate_request, store_targets


def _open(desk: Any, clock: Any) -> Request:
    return intake.open_request(
        desk.lead,
        contact=desk.mere.pk,
        channel="email",
        level="high",
        subject="Reports crash",
        description="It crashes.",
        received=clock.at,
        now=clock.at,
    )


def _stored(request: Request) -> dict[str, tuple[Any, ...]]:
    return {
        t.kind: (t.state, t.due, t.met_at, t.breached_at, t.clock, t.within_seconds, t.clause)
        for t in SlaTarget.objects.filter(request=request)
    }


def test_a_new_request_stores_the_targets_of_its_log_as_read_back(desk, clock):
    request = _open(desk, clock)
    log = list(request.events.order_by("seq").values_list("seq", "kind"))
    assert log == [(1, "opened"), (2, "scope"), (3, "auto_reply")]
    ev = evaluate_request(request, clock.at)  # reads the log from the database
    expected = {
        kind: (
            s.state,
            s.due if s.state != "paused" else None,
            s.met_at,
            s.breached_at,
            s.clock,
            s.within_seconds,
            s.clause,
        )
        for kind, s in ev.targets.items()
        if s is not None
    }
    assert set(expected) == {"first_response", "resolution"}
    assert _stored(request) == expected


def test_storing_again_updates_the_rows_in_place(desk, clock):
    request = _open(desk, clock)
    before = _stored(request)
    ids = set(SlaTarget.objects.filter(request=request).values_list("pk", flat=True))
    kept = store_targets(request, clock.at)
    assert {row.pk for row in kept} == ids
    assert set(SlaTarget.objects.filter(request=request).values_list("pk", flat=True)) == ids
    assert _stored(request) == before


def test_rows_of_targets_that_no_longer_apply_go(desk, clock):
    request = _open(desk, clock)
    assert SlaTarget.objects.filter(request=request).count() == 2
    request.scope = "not_entitled"
    assert store_targets(request, clock.at) == []
    assert not SlaTarget.objects.filter(request=request).exists()
