"""Clocks: the state of every target of a request, from its timeline.

`evaluate(policy, level, channel, received, events, as_of)` is a pure function
implementing sections 2-4 of the semantics page:

- notice: receipt, or the next opening for channels that only give notice in
  hours; the in-hours/after-hours choice is made once, at notice;
- first response is met by the first `agent_reply` (public, human), at its own
  time even when that is before notice; it never pauses;
- resolution is met by the statuses the policy names (workaround provided,
  resolved, closed), pauses while waiting on the customer, and resumes with its
  elapsed time kept; leaving a meeting status (a reopen) voids the met verdict;
- a running target whose due passes is breached at its due instant, and stays
  breached; a stop exactly at the due instant is met;
- a level change recomputes running and paused targets as if the new level had
  applied since notice; met and breached verdicts are kept.

Each target's clock is a list of *runs* (intervals during which it counted);
status events before notice take effect at notice. The due instant is where
the runs' working time (business or elapsed) reaches the target's duration, so
pauses move it by exactly the paused time on the target's own clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, NamedTuple

from accord.sla.calendar import US, from_us, to_us
from accord.sla.errors import SlaInputError
from accord.sla.policy import Policy, Target
from accord.sla.policy_spec import CHANNELS, STATUSES, TARGET_KINDS

EVENT_TYPES = ("agent_reply", "auto_reply", "internal_note", "customer_reply", "status", "level")
State = Literal["running", "paused", "met", "breached"]


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened on a request. `to` is the new status or level."""

    at: datetime
    type: str
    to: str | None = None


class TargetState(NamedTuple):
    """One target as of `as_of`. `due` is None while paused.

    A NamedTuple rather than a frozen dataclass: it is built on the hot path of
    `accord sla due` and frozen dataclasses construct several times slower.
    """

    kind: str
    state: State
    due: datetime | None
    met_at: datetime | None
    breached_at: datetime | None
    clock: str
    within_seconds: int
    clause: str
    level: str
    runs: tuple[tuple[datetime, datetime | None], ...] = ()


class Evaluation(NamedTuple):
    policy: str
    level: str
    channel: str
    received: datetime
    notice: datetime
    in_hours: bool
    as_of: datetime
    first_response: TargetState | None
    resolution: TargetState | None

    @property
    def targets(self) -> dict[str, TargetState | None]:
        return {"first_response": self.first_response, "resolution": self.resolution}


@dataclass(slots=True)
class _Track:
    """Mutable bookkeeping for one target kind while the timeline is replayed."""

    kind: str
    runs: list[list[int | None]]
    target: Target | None = None
    level: str = ""
    met_at: int | None = None
    breached_at: int | None = None
    kept: tuple[Target, str] | None = field(default=None)  # target that gave a verdict

    @property
    def running(self) -> bool:
        return self.runs[-1][1] is None

    def stop(self, at: int) -> None:
        if self.running:
            self.runs[-1][1] = max(at, self.runs[-1][0] or 0)

    def resume(self, at: int) -> None:
        if not self.running:
            self.runs.append([at, None])


class _Clocks:
    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.calendar = policy.calendar

    def measure(self, target: Target, a: int, b: int) -> int:
        if target.duration.clock == "elapsed":
            return b - a
        return self.calendar.between_us(a, b)

    def advance(self, target: Target, start: int, amount: int) -> int:
        if target.duration.clock == "elapsed":
            return start + amount
        return self.calendar.add_us(start, amount)

    def due(self, track: _Track, target: Target, *, last_open: bool = False) -> int | None:
        """Where the runs reach the target's duration; None while paused short of it.

        With `last_open`, the last run counts as still running (the due instant as
        it stood when the clock was last stopped).
        """
        within = target.duration.seconds * US
        consumed = 0
        runs = track.runs
        for k, (a, b) in enumerate(runs):
            assert a is not None
            if b is None or (last_open and k == len(runs) - 1):
                return self.advance(target, a, within - consumed)
            part = self.measure(target, a, b)
            if consumed + part > within:
                return self.advance(target, a, within - consumed)
            consumed += part
        return None


def _check(
    events: Sequence[Event],
    policy: Policy,
    level: str,
    channel: str,
    received: datetime,
    as_of: datetime,
) -> None:
    if level not in policy.level_ids:
        raise SlaInputError(
            "level",
            f"unknown level {level!r} for policy {policy.id} "
            f"(one of {', '.join(policy.level_ids)})",
        )
    if channel not in CHANNELS:
        raise SlaInputError(
            "channel", f"unknown channel {channel!r} (one of {', '.join(CHANNELS)})"
        )
    for name, value in (("received", received), ("as_of", as_of)):
        if value.tzinfo is None or value.utcoffset() is None:
            raise SlaInputError(name, "an instant needs a UTC offset")
    previous = received
    for i, ev in enumerate(events):
        where = f"events[{i}]"
        if ev.at.tzinfo is None or ev.at.utcoffset() is None:
            raise SlaInputError(f"{where}.at", "an instant needs a UTC offset")
        if ev.type not in EVENT_TYPES:
            raise SlaInputError(
                f"{where}.type", f"unknown event type {ev.type!r} (one of {', '.join(EVENT_TYPES)})"
            )
        if ev.type == "status" and ev.to not in STATUSES:
            raise SlaInputError(
                f"{where}.to", f"unknown status {ev.to!r} (one of {', '.join(STATUSES)})"
            )
        if ev.type == "level" and ev.to not in policy.level_ids:
            raise SlaInputError(f"{where}.to", f"unknown level {ev.to!r} for policy {policy.id}")
        if ev.at < previous:
            what = "received" if i == 0 else f"events[{i - 1}].at"
            raise SlaInputError(f"{where}.at", f"out of order: earlier than {what}")
        previous = ev.at


def evaluate(
    policy: Policy,
    level: str,
    channel: str,
    received: datetime,
    events: Sequence[Event],
    as_of: datetime,
) -> Evaluation:
    """The state of every target as of `as_of`. Raises SlaInputError on bad input.

    Events later than `as_of` are ignored. Events must be in time order and not
    before `received`.
    """
    _check(events, policy, level, channel, received, as_of)
    clocks = _Clocks(policy)
    notice = policy.notice_for(channel, received)
    in_hours = policy.in_hours(notice)
    notice_us = to_us(notice)
    met_statuses, pause_statuses = policy.resolution_rule
    tracks = {kind: _Track(kind, [[notice_us, None]]) for kind in TARGET_KINDS}

    def set_level(new_level: str, at: int) -> None:
        """Recompute every target without a verdict as if `new_level` applied since notice."""
        for track in tracks.values():
            verdict = track.met_at is not None or track.breached_at is not None
            if track.target is not None and verdict:
                continue  # met and breached verdicts are kept
            track.level = new_level
            track.target = policy.target(new_level, track.kind, in_hours)
            settle(track, at)

    def settle(track: _Track, now: int) -> None:
        """Record a breach whose due passed before `now` (or before the clock stopped)."""
        target = track.target
        if target is None:
            return
        if track.breached_at is None:
            if track.met_at is None:
                due = clocks.due(track, target)
                if due is not None and due < now:
                    track.breached_at = due
            else:
                due = clocks.due(track, target, last_open=True)
                stopped = track.runs[-1][1]
                if due is not None and stopped is not None and due < stopped:
                    track.breached_at = due
        if track.breached_at is not None or track.met_at is not None:
            track.kept = (target, track.level)

    set_level(level, notice_us)
    current_level = level
    current_status = "open"
    as_of_us = to_us(as_of)
    fr, res = tracks["first_response"], tracks["resolution"]
    for ev in events:
        at = to_us(ev.at)
        if at > as_of_us:
            break
        eff = max(at, notice_us)  # clocks never run before notice
        for track in tracks.values():
            if track.met_at is None:
                settle(track, eff)
        if ev.type == "agent_reply" and fr.met_at is None:
            fr.met_at = at
            fr.stop(eff)
            settle(fr, eff)
        elif ev.type == "status" and ev.to is not None:
            if ev.to in met_statuses:
                res.stop(eff)
                if res.met_at is None:
                    res.met_at = at
                    settle(res, eff)
            else:
                if current_status in met_statuses and res.met_at is not None:
                    # A reopen voids the met verdict; the current level's target runs on.
                    res.met_at = None
                    if res.breached_at is None:
                        res.kept = None
                        res.level = current_level
                        res.target = policy.target(current_level, "resolution", in_hours)
                if ev.to in pause_statuses:
                    res.stop(eff)
                else:
                    res.resume(eff)
            current_status = ev.to
        elif ev.type == "level" and ev.to is not None:
            current_level = ev.to
            set_level(ev.to, eff)
    for track in tracks.values():
        if track.met_at is None:
            settle(track, as_of_us)
    return Evaluation(
        policy=policy.id,
        level=current_level,
        channel=channel,
        received=received,
        notice=notice,
        in_hours=in_hours,
        as_of=as_of,
        first_response=_state(clocks, tracks["first_response"]),
        resolution=_state(clocks, tracks["resolution"]),
    )


def _state(clocks: _Clocks, track: _Track) -> TargetState | None:
    if track.target is not None:
        target, level = track.target, track.level
    elif track.kept is not None:
        target, level = track.kept
    else:
        return None
    due: int | None
    if track.breached_at is not None:
        state: State = "breached"
        due = track.breached_at
    elif track.met_at is not None:
        state = "met"
        due = clocks.due(track, target, last_open=True)
    elif track.running:
        state = "running"
        due = clocks.due(track, target)
    else:
        state = "paused"
        due = None
    runs = tuple((from_us(a or 0), None if b is None else from_us(b)) for a, b in track.runs)
    return TargetState(
        kind=track.kind,
        state=state,
        due=None if due is None else from_us(due),
        met_at=None if track.met_at is None else from_us(track.met_at),
        breached_at=None if track.breached_at is None else from_us(track.breached_at),
        clock=target.duration.clock,
        within_seconds=target.duration.seconds,
        clause=target.clause,
        level=level,
        runs=runs,
    )


def at_receipt(policy: Policy, level: str, channel: str, received: datetime) -> Evaluation:
    """`evaluate` with no events, as of receipt: the due instants of a new request.

    The same answer as `evaluate(policy, level, channel, received, (), received)`
    (a test holds them equal), without the timeline machinery: this is the hot
    path of `accord sla due --jsonl` and of request creation.
    """
    if level not in policy.level_ids or channel not in CHANNELS or received.utcoffset() is None:
        return evaluate(policy, level, channel, received, (), received)  # for its error
    notice = policy.notice_for(channel, received)
    in_hours = policy.in_hours(notice)
    start = to_us(notice)
    run = ((notice, None),)
    states: list[TargetState | None] = []
    for kind in TARGET_KINDS:
        target = policy.target(level, kind, in_hours)
        if target is None:
            states.append(None)
            continue
        within = target.duration.seconds
        if target.duration.clock == "elapsed":
            due = start + within * US
        else:
            due = policy.calendar.add_us(start, within * US)
        states.append(
            TargetState(
                kind,
                "running",
                from_us(due),
                None,
                None,
                target.duration.clock,
                within,
                target.clause,
                level,
                run,
            )
        )
    return Evaluation(
        policy.id, level, channel, received, notice, in_hours, received, states[0], states[1]
    )
