"""The values of a macro's placeholders for one request, as of now.

Due instants come from the engine's evaluation as of now (so they are what the
request page shows), written in the policy's zone and in the customer's: the
UTC offset of the customer's first mail (its Date header), the same clue the
acknowledgement uses; without mail, the customer's zone is taken to be the
policy's. A met target reads "met", a paused one "paused (waiting on you)".
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo

from accord.notify.compose import support_hours, thread_raws
from accord.sla.clock import TargetState
from accord.tickets.models import Request
from accord.tickets.targets import evaluate_request, policy_of, targets_apply


def _when(state: TargetState | None, zone: tzinfo) -> str:
    if state is None:
        return "no target"
    if state.state == "met":
        return "met"
    if state.due is None:
        return "paused (waiting on you)"
    local = state.due.astimezone(zone)
    name = local.tzname() or ""
    return f"{local:%a %d %b %Y %H:%M} {name}".strip()


def customer_zone(request: Request) -> tzinfo:
    raws = thread_raws(request)
    offset = raws[0].date_offset_minutes if raws else None
    if offset is None:
        return policy_of(request).zone
    sign = "+" if offset >= 0 else "-"
    name = f"UTC{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"
    return timezone(timedelta(minutes=offset), name)


def values(request: Request, agent_name: str, now: datetime) -> dict[str, str]:
    policy = policy_of(request)
    ev = evaluate_request(request, now) if targets_apply(request) else None
    fr = ev.first_response if ev else None
    res = ev.resolution if ev else None
    theirs = customer_zone(request)
    level = policy.level(request.level).label if request.level in policy.level_ids else ""
    return {
        "contact_name": request.contact.name,
        "number": request.display_number,
        "subject": request.subject,
        "organization": request.organization.name,
        "agent_name": agent_name,
        "level": level,
        "first_response_due": _when(fr, policy.zone),
        "resolution_due": _when(res, policy.zone),
        "first_response_due_customer": _when(fr, theirs),
        "resolution_due_customer": _when(res, theirs),
        "support_hours": support_hours(policy),
    }
