"""The JSON shapes of the CLI contract, shared by `accord sla` and the REST API.

Instants are ISO 8601 with the offset of the policy's zone; a target that does
not apply is `null`.
"""

from __future__ import annotations

import json
from datetime import datetime, tzinfo
from typing import Any

from accord.sla.clock import Evaluation, TargetState
from accord.sla.errors import SlaInputError


def iso(t: datetime | None, zone: tzinfo) -> str | None:
    return None if t is None else t.astimezone(zone).isoformat()


def parse_instant(value: Any, field: str) -> datetime:
    """An ISO 8601 instant with an offset; anything else is an SlaInputError on `field`."""
    if not isinstance(value, str):
        raise SlaInputError(field, "expected an ISO 8601 instant with an offset")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        t = datetime.fromisoformat(text)
    except ValueError:
        raise SlaInputError(field, f"not an ISO 8601 instant: {value!r}") from None
    if t.tzinfo is None:
        raise SlaInputError(field, f"{value!r} has no UTC offset; write e.g. {value}+00:00")
    return t


def target_to_json(state: TargetState | None, zone: tzinfo) -> dict[str, Any] | None:
    """`T` of the replay contract: null, or state, due, met_at, breached_at."""
    if state is None:
        return None
    return {
        "state": state.state,
        "due": iso(state.due, zone) if state.state != "paused" else None,
        "met_at": iso(state.met_at, zone),
        "breached_at": iso(state.breached_at, zone),
    }


def due_target_json(state: TargetState | None, zone: tzinfo) -> dict[str, Any] | None:
    """The target of `accord sla due`: due, clock, within_seconds."""
    if state is None:
        return None
    return {
        "due": iso(state.due, zone),
        "clock": state.clock,
        "within_seconds": state.within_seconds,
    }


NO_ID = object()  # single-request mode: the answer has no "id" key at all


def due_json(request_id: Any, ev: Evaluation, zone: tzinfo) -> dict[str, Any]:
    """One answer of `accord sla due`.

    `request_id` is the input line's id (None, shown as null, when the line had
    none); `NO_ID` leaves the key out, for the single-request form.
    """
    out: dict[str, Any] = {} if request_id is NO_ID else {"id": request_id}
    out.update(
        policy=ev.policy,
        level=ev.level,
        channel=ev.channel,
        received=iso(ev.received, zone),
        notice=iso(ev.notice, zone),
        in_hours=ev.in_hours,
        first_response=due_target_json(ev.first_response, zone),
        resolution=due_target_json(ev.resolution, zone),
    )
    return out


def _due_target_text(state: TargetState | None, zone: tzinfo) -> str:
    if state is None:
        return "null"
    due = "null" if state.due is None else f'"{state.due.astimezone(zone).isoformat()}"'
    return f'{{"due": {due}, "clock": "{state.clock}", "within_seconds": {state.within_seconds}}}'


def due_line(request_id: Any, ev: Evaluation, zone: tzinfo) -> str:
    """`json.dumps(due_json(...), ensure_ascii=False)`, built directly.

    The hot path of `accord sla due --jsonl`: every value but the id is an
    identifier the engine validated, an ISO instant, a boolean or an integer, so
    only the id needs JSON escaping. A test holds the two forms equal.
    """
    head = "{" if request_id is NO_ID else f'{{"id": {json.dumps(request_id, ensure_ascii=False)}, '
    received = ev.received.astimezone(zone).isoformat()
    notice = received if ev.notice == ev.received else ev.notice.astimezone(zone).isoformat()
    return (
        f'{head}"policy": "{ev.policy}", "level": "{ev.level}", "channel": "{ev.channel}", '
        f'"received": "{received}", "notice": "{notice}", '
        f'"in_hours": {"true" if ev.in_hours else "false"}, '
        f'"first_response": {_due_target_text(ev.first_response, zone)}, '
        f'"resolution": {_due_target_text(ev.resolution, zone)}}}'
    )
