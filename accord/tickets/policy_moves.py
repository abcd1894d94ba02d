"""Moving open requests between versions of their policy, and refreshing them.

The versions themselves are contract data (accord.contracts.policy_versions);
what moving does to requests (their targets, the event log, the audit trail)
is the tickets app's, so it lives here, above contracts in the layers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from django.db import transaction

from accord.accounts.actor import Actor
from accord.accounts.permissions import CONFIGURATION, require
from accord.audit.services import record
from accord.contracts.calendar_corrections import add_holiday_to_file
from accord.contracts.models import PolicyVersion
from accord.contracts.policy_versions import policy_version, record_current
from accord.errors import Conflict, Invalid
from accord.sla import TargetState
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
        before = with_verdicts(
            request, evaluate_with(policy_version(name, request.policy_version), request, now)
        )
        raw = evaluate_with(target, request, now).targets
        after = with_verdicts(request, evaluate_with(target, request, now))
        for kind in ("first_response", "resolution"):
            was, will = (
                _target_summary(before[kind], target.zone),
                _target_summary(after[kind], target.zone),
            )
            would = _target_summary(raw[kind], target.zone)
            if was != will:
                moves.append(DeadlineMove(request.display_number, kind, was, will))
            elif would != will:
                why = "a recorded verdict is never rewritten (semantics 4-5)"
                moves.append(DeadlineMove(request.display_number, kind, was, would, kept=why))
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


def add_holiday(actor: Actor, name: str, day: date, *, reason: str, now: datetime) -> int:
    """A newly declared holiday (semantics 5, a calendar correction); returns how many
    open requests had their targets recomputed.

    The date goes into the policy file first (accord.contracts.calendar_corrections),
    then one transaction stores the corrected version's text, recomputes the open
    requests through the same path as `accord policy recompute`, and audits the
    correction. Should that transaction fail, the file already says the truth and
    `accord policy recompute NAME` finishes the job.
    """
    require(actor, CONFIGURATION)
    path = add_holiday_to_file(name, day, reason)
    with transaction.atomic():
        row = record_current(name, now)
        count = recompute_open(name, now)
        record(
            actor,
            "policy.holiday_add",
            row,
            now,
            date=day.isoformat(),
            reason=" ".join(reason.split()),
            file=str(path),
            recomputed=count,
        )
    return count
