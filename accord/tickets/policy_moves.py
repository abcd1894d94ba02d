"""Moving open requests between versions of their policy, and refreshing them.

The versions themselves are contract data (accord.contracts.policy_versions);
what moving does to requests (their targets, the event log, the audit trail)
is the tickets app's, so it lives here, above contracts in the layers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from django.db import transaction

from accord.accounts.actor import Actor
from accord.contracts.models import PolicyVersion
from accord.contracts.policy_versions import policy_version
from accord.errors import Conflict, Invalid
from accord.sla import Policy, TargetState
from accord.tickets import log
from accord.tickets.actions import finish_change
from accord.tickets.models import Request, Status
from accord.tickets.queries import find_request
from accord.tickets.replay import recompute
from accord.tickets.targets import evaluate_with, with_verdicts


@dataclass(frozen=True)
class DeadlineMove:
    """One target of one request whose due instant a move would change."""

    number: str
    kind: str
    before: str
    after: str
    kept: str = ""  # why it does not move: a recorded verdict the new version would rewrite


def _target_summary(state: TargetState | None, zone: tzinfo) -> str:
    """ "running 2026-11-26T10:00:00+13:00", shown in the policy's zone."""
    if state is None:
        return "no target"
    due = state.due.astimezone(zone).isoformat() if state.due else "(no due instant)"
    return f"{state.state} {due}"


@transaction.atomic
def recompute_open(name: str, now: datetime) -> int:
    """Refresh stored targets of every open request of a policy; returns how many.

    Through the engine's batch path, a chunk of requests at a time
    (`accord.tickets.replay.recompute`)."""
    return recompute(Request.objects.filter(policy=name).exclude(status=Status.CLOSED), now)


def deadline_moves(
    request: Request, was: Policy, will: Policy, now: datetime
) -> list[DeadlineMove]:
    """The deadlines of one request that evaluating under `will` instead of `was`
    would move, with those a recorded verdict keeps where they are."""
    moves = []
    before = with_verdicts(request, evaluate_with(was, request, now))
    evaluated = evaluate_with(will, request, now)
    raw, after = evaluated.targets, with_verdicts(request, evaluated)
    for kind in ("first_response", "resolution"):
        old, new = _target_summary(before[kind], will.zone), _target_summary(after[kind], will.zone)
        would = _target_summary(raw[kind], will.zone)
        if old != new:
            moves.append(DeadlineMove(request.display_number, kind, old, new))
        elif would != new:
            why = "a recorded verdict is never rewritten (semantics 4-5)"
            moves.append(DeadlineMove(request.display_number, kind, old, would, kept=why))
    return moves


def preview_move(name: str, version: str, now: datetime) -> tuple[list[DeadlineMove], list[str]]:
    """Every deadline that moving open requests of `name` to `version` would move.

    Returns (moves, refusals): a refusal names a request that cannot move (its
    level does not exist in that version).
    """
    target = policy_version(name, version)
    moves: list[DeadlineMove] = []
    refusals: list[str] = []
    requests = (
        Request.objects.filter(policy=name)
        .exclude(status=Status.CLOSED)
        .exclude(policy_version=version)
        .order_by("number")
    )
    for request in requests:
        if request.level not in target.level_ids or request.initial_level not in target.level_ids:
            refusals.append(
                f"{request.display_number}: level {request.level!r} does not exist in {version}"
            )
            continue
        was = policy_version(name, request.policy_version)
        moves += deadline_moves(request, was, target, now)
    return moves, refusals


@transaction.atomic
def move_to_version(actor: Actor, number: str, version: str, now: datetime) -> None:
    """Move one open request to another version of its policy (after a preview)."""
    request = find_request(actor, number)
    request = Request.objects.select_for_update().get(pk=request.pk)
    if request.status == Status.CLOSED:
        raise Conflict("number", f"{request.display_number} is closed")
    if not PolicyVersion.objects.filter(policy=request.policy, version=version).exists():
        raise Invalid("version", f"no version {version!r} of {request.policy} on record")
    target = policy_version(request.policy, version)
    for level in {request.level, request.initial_level}:
        if level not in target.level_ids:
            raise Conflict("version", f"level {level!r} does not exist in {version}")
    previous = request.policy_version
    request.policy_version = version
    log.append(
        request, "policy_version", at=now, actor=actor, now=now, to=version, previous=previous
    )
    finish_change(request, actor, now, "policy_version", to=version, previous=previous)
