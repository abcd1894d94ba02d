"""A request's SLA targets as the web UI shows them, evaluated as of the read.

Each target carries its state, due/met/breached instants in the policy's zone
(and the viewer's), whether it is at risk, and, on the detail page, the
engine's explanation (`accord.sla.explain`) down to the clause.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from django.utils.safestring import SafeString, mark_safe

from accord.sla import Policy
from accord.sla.clock import Evaluation, TargetState
from accord.sla.durations import format_seconds
from accord.sla.explain import explain_notice, explain_target
from accord.tickets.models import Request, TargetKind
from accord.tickets.targets import evaluate_request, policy_of, targets_apply
from accord.tickets.transitions import warning_percent
from accord.web.zones import Shown, relative, show


def remaining(policy: Policy, state: TargetState, now: datetime) -> timedelta | None:
    """Time left before the due instant on the target's own clock (None unless running)."""
    if state.state != "running" or state.due is None:
        return None
    if state.clock == "business":
        return policy.calendar.between(now, state.due)
    return state.due - now


def at_risk(policy: Policy, state: TargetState, now: datetime) -> bool:
    """A running target is at risk once its warning share is consumed (the alerts'
    `warning_percent`, 75 by default), counted on its own clock: the same instant as
    the stored `warn_at` the queue's "at risk" filter and the warning alert use."""
    left = remaining(policy, state, now)
    if left is None:
        return False
    return left.total_seconds() * 100 <= (100 - warning_percent()) * state.within_seconds


@dataclass(frozen=True)
class TargetView:
    kind: str
    label: str
    state: str  # running | paused | met | breached | none
    at_risk: bool = False
    due: Shown | None = None
    met_at: Shown | None = None
    breached_at: Shown | None = None
    due_relative: str = ""
    within: str = ""
    clock: str = ""
    clause: str = ""
    note: str = ""
    explanation: list[str] = field(default_factory=list)

    @property
    def css(self) -> str:
        return "at-risk" if self.at_risk else self.state

    @property
    def cell(self) -> SafeString:
        """The queue's cell for this target: its badge and the instant that matters
        (the due while owed, the met instant once met), made once in Python rather
        than by a template include per cell (the queue shows 200 of them)."""
        label = "at risk" if self.at_risk else ("no target" if self.state == "none" else self.state)
        badge = f'<span class="badge {escape(self.css)}">{escape(label)}</span>'
        if self.state == "running" or (self.state == "breached" and not self.met_at):
            shown = f'<span class="due">{self.due.html if self.due else ""}</span>'
            if self.due_relative:
                shown += f' <span class="rel">{escape(self.due_relative)}</span>'
        elif self.state == "met":
            shown = f'<span class="due">{self.met_at.html if self.met_at else ""}</span>'
        elif self.state == "breached":
            shown = f'<span class="due">met late {self.met_at.html if self.met_at else ""}</span>'
        elif self.state == "paused":
            shown = '<span class="rel">waiting on customer</span>'
        else:
            return mark_safe(badge)
        # Every value above is escaped (stdlib `html.escape`, what Django's `escape` does)
        # or already safe HTML (`Shown.html`).
        return mark_safe(f"{badge} {shown}")


def _none(policy: Policy, level: str, kind: str, label: str, why: str) -> TargetView:
    no = policy.no_target(level, kind)
    note = f"{no.wording} (clause {no.clause})" if no is not None else why
    return TargetView(kind=kind, label=label, state="none", note=note)


def target_views(
    request: Request,
    now: datetime,
    viewer: ZoneInfo | None,
    *,
    explain: bool = False,
    evaluation: Evaluation | None = None,
) -> list[TargetView]:
    """First response and resolution, in that order; `state="none"` when none applies.

    Evaluates the request by the engine (reading its log) unless `evaluation` is given.
    """
    if not targets_apply(request):
        return views_of(request, {}, now, viewer)
    ev = evaluation or evaluate_request(request, now)
    return views_of(request, ev.targets, now, viewer, explain=explain)


def views_of(
    request: Request,
    states: Mapping[str, TargetState | None],
    now: datetime,
    viewer: ZoneInfo | None,
    *,
    explain: bool = False,
) -> list[TargetView]:
    """The views of targets already in hand (the engine's, or a list's stored rows)."""
    policy = policy_of(request)
    zone = policy.zone
    views: list[TargetView] = []
    if not targets_apply(request):
        why = (
            "merged into another request"
            if request.merged_into_id
            else f"no targets while {request.get_scope_display().lower()}"
        )
        return [TargetView(kind=k, label=k.label, state="none", note=why) for k in TargetKind]
    for kind in TargetKind:
        state = states.get(kind.value)
        if state is None:
            views.append(_none(policy, request.level, kind.value, kind.label, "no target applies"))
            continue
        clock_prefix = "business " if state.clock == "business" else ""
        views.append(
            TargetView(
                kind=kind.value,
                label=kind.label,
                state=state.state,
                at_risk=at_risk(policy, state, now),
                due=show(state.due, zone, viewer),
                met_at=show(state.met_at, zone, viewer),
                breached_at=show(state.breached_at, zone, viewer),
                due_relative=relative(state.due, now) if state.state == "running" else "",
                within=format_seconds(state.within_seconds, clock_prefix),
                clock=state.clock,
                clause=state.clause,
                explanation=explain_target(policy, kind.label, state) if explain else [],
            )
        )
    return views


def notice_explanation(request: Request, now: datetime) -> list[str]:
    """How the notice instant was derived, and whether in-hours targets apply."""
    return explain_notice(policy_of(request), evaluate_request(request, now))
