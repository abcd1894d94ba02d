"""The engine's explanation rewritten for customers: what we promised, by when, and why.

`explain_for_customer` turns the evaluation of a request (accord.sla) into a few
sentences such as "We will reply by Mon 30 Nov 09:30 NZDT (in 1 support hour,
clause 5.6)." plus, when the request arrived outside support hours, when the
clock starts. Instants are in the policy's zone, the zone the contract is in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from accord.notify.compose import support_hours
from accord.sla import Policy
from accord.sla.clock import TargetState
from accord.tickets.levels import untriaged
from accord.tickets.models import Request, Scope, SlaTarget, Status
from accord.tickets.targets import evaluate_request, policy_of, targets_apply

STATUS_WORDS: dict[str, str] = {
    Status.OPEN: "Open: with us",
    Status.WAITING_ON_CUSTOMER: "Waiting for your reply",
    Status.WORKAROUND_PROVIDED: "Workaround given",
    Status.RESOLVED: "Solved",
    Status.CLOSED: "Closed",
}


def when(t: datetime, policy: Policy) -> str:
    """ "Mon 30 Nov 09:30 NZDT" in the policy's zone."""
    return t.astimezone(policy.zone).strftime("%a %d %b %H:%M %Z")


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}{'' if n == 1 else 's'}"


def duration_words(seconds: float, unit: str = "hour") -> str:
    """ "1 support hour", "2 hours 30 minutes", "45 minutes"."""
    minutes = max(int(seconds // 60), 0)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(_plural(hours, unit))
    if minutes or not hours:
        parts.append(_plural(minutes, "minute"))
    return " ".join(parts)


def _left(policy: Policy, state: TargetState, now: datetime) -> str:
    if state.due is None:
        return ""
    if state.clock == "business":
        left = policy.calendar.between(now, state.due)
        return "in " + duration_words(left.total_seconds(), "support hour")
    return "in " + duration_words((state.due - now).total_seconds())


def _target(policy: Policy, state: TargetState | None, now: datetime, doing: str, done: str) -> str:
    if state is None:
        return ""
    clause = f"clause {state.clause}"
    if state.state == "running" and state.due is not None:
        if state.due < now:
            return f"We are late: {doing} was due by {when(state.due, policy)} ({clause})."
        return (
            f"We will {doing} by {when(state.due, policy)} ({_left(policy, state, now)}, {clause})."
        )
    if state.state == "paused":
        return f"The clock to {doing} is paused while we wait for your answer; it goes on when you reply."
    if state.state == "breached" and state.met_at is None and state.due is not None:
        return f"We are late: we should have {done} by {when(state.due, policy)} ({clause})."
    if state.met_at is not None:
        late = (
            f", after the target of {when(state.due, policy)}"
            if state.breached_at is not None and state.due is not None
            else ""
        )
        return f"We {done} on {when(state.met_at, policy)}{late}."
    return ""


@dataclass(frozen=True)
class Explained:
    lines: list[str]
    hours: str


def _arrival(request: Request, policy: Policy, now: datetime) -> str:
    if request.notice <= request.received:
        return ""
    verb = "starts" if request.notice > now else "started"
    arrived = request.received.astimezone(policy.zone).strftime("%A %d %b %H:%M %Z")
    return (
        f"Your request arrived on {arrived}, outside support hours, so the clock {verb} "
        f"{when(request.notice, policy)}."
    )


def _no_targets(request: Request) -> list[str]:
    if request.merged_into_id is not None:
        return ["This request was joined with another one; follow that one instead."]
    lines = [
        f"{request.scope_reason[:1].upper()}{request.scope_reason[1:]} (clause {request.scope_clause})."
    ]
    if request.scope == Scope.NOT_ENTITLED:
        lines.append("There are no reply or resolution targets until this is settled.")
    elif request.scope == Scope.EXCLUDED:
        lines.append("Requests of this type have no reply or resolution targets.")
    if request.scope_guidance:
        lines.append(request.scope_guidance)
    return lines


def explain_for_customer(request: Request, now: datetime) -> Explained:
    policy = policy_of(request)
    hours = support_hours(policy)
    if not targets_apply(request):
        return Explained(_no_targets(request), hours)
    ev = evaluate_request(request, now)
    lines = [
        _target(policy, ev.first_response, now, "reply", "replied"),
        _target(policy, ev.resolution, now, "resolve it", "resolved it"),
    ]
    # A provisional level promises no resolution method (accord.tickets.levels).
    provisional = untriaged(request)
    if ev.resolution is None and not provisional:
        no = policy.no_target(request.level, "resolution")
        if no is not None:
            lines.append(f"Resolution: {no.wording} (clause {no.clause}).")
    level = policy.level(request.level)
    if provisional:
        lines.append("An agent will confirm the level after reading your request.")
    elif level.resolution_method:
        lines.append(f"How {level.label} problems are fixed: {level.resolution_method}")
    lines.append(_arrival(request, policy, now))
    return Explained([line for line in lines if line], hours)


def next_due(request: Request, targets: list[SlaTarget], now: datetime) -> str:
    """One phrase for the list, from the stored targets (no per-row evaluation)."""
    policy = policy_of(request)
    if request.status == Status.WAITING_ON_CUSTOMER:
        return "Waiting for your reply"
    if request.status in (Status.RESOLVED, Status.CLOSED):
        return "Nothing due"
    if not targets_apply(request):
        return "No target (" + Scope(request.scope).label.lower() + ")"
    running = [t for t in targets if t.state in ("running", "breached") and t.met_at is None]
    running = [t for t in running if t.due is not None]
    if not running:
        return "Nothing due from us now"
    first = min(running, key=lambda t: t.due or now)
    what = "Reply" if first.kind == "first_response" else "Resolution"
    assert first.due is not None
    if first.due < now - timedelta(seconds=0):
        return f"{what} was due {when(first.due, policy)} (late)"
    return f"{what} by {when(first.due, policy)}"
