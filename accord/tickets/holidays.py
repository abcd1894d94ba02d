"""Declared holidays: a calendar correction (semantics 5) and what it does to requests.

A holiday declared after the contract was written (a royal visit, a storm day) is
a correction of the current version: it keeps the version and applies at once to
every open request on it. The date is written into the policy file
(accord.contracts.calendar_corrections), because the file is the contract and
the shipped file is authoritative for its own version; then the same path as
`accord policy recompute` refreshes the stored targets, and the audit trail says
who declared it, when and why. Recorded met/breached verdicts are never
rewritten (accord.tickets.transitions keeps them over any recompute).

Each change can be previewed first: `preview_holiday` lists every deadline of
every open request that the day would move, from the checked but unwritten file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.db import transaction

from accord.accounts.actor import Actor
from accord.accounts.permissions import CONFIGURATION, require
from accord.audit.models import AuditEntry
from accord.audit.services import record
from accord.contracts.calendar_corrections import (
    declared_reasons,
    holiday_added,
    holiday_removed,
    write_policy,
)
from accord.contracts.models import PolicyVersion
from accord.contracts.policy_versions import record_current
from accord.contracts.services import check_policy
from accord.errors import Invalid
from accord.sla import Policy, load_policy
from accord.tickets.models import Request, Status
from accord.tickets.policy_moves import DeadlineMove, deadline_moves, recompute_open

ADD, REMOVE = "policy.holiday_add", "policy.holiday_remove"


@dataclass(frozen=True)
class DeclaredHoliday:
    """One date of a policy file's own holiday list, with who declared it and why."""

    day: date
    reason: str  # the audit trail's, else the comment beside the date in the file
    by: str = ""  # empty when the date was written into the file by hand
    at: datetime | None = None


def _candidate(name: str, day: date, reason: str, remove: bool) -> tuple[Path, str, Policy]:
    check_policy(name)  # an unknown name is refused naming the field, from any caller
    return holiday_removed(name, day) if remove else holiday_added(name, day, reason)


def preview_holiday(
    name: str, day: date, *, reason: str = "", remove: bool = False, now: datetime
) -> list[DeadlineMove]:
    """Every deadline of the open requests on the current version that declaring
    (or, with `remove`, taking back) `day` would move. Changes nothing; refuses
    exactly what `add_holiday`/`remove_holiday` would refuse."""
    _, _, corrected = _candidate(name, day, reason or "preview", remove)
    current = load_policy(name)
    requests = (
        Request.objects.filter(policy=name, policy_version=current.version)
        .exclude(status=Status.CLOSED)
        .order_by("number")
    )
    moves: list[DeadlineMove] = []
    for request in requests:
        moves += deadline_moves(request, current, corrected, now)
    return moves


def add_holiday(actor: Actor, name: str, day: date, *, reason: str, now: datetime) -> int:
    """Declare `day` a holiday of policy `name`; returns how many open requests had
    their targets recomputed.

    The file is written first (checked, atomic rename), then one transaction stores
    the corrected version's text, recomputes the open requests and audits it.
    Should that transaction fail, the file already says the truth and
    `accord policy recompute NAME` finishes the job.
    """
    require(actor, CONFIGURATION)
    path, text, _ = _candidate(name, day, reason, remove=False)
    write_policy(path, text)
    return _apply(actor, ADD, name, day, " ".join(reason.split()), path, now)


def remove_holiday(actor: Actor, name: str, day: date, *, reason: str, now: datetime) -> int:
    """Take back a declared holiday (one declared by mistake); the day counts as
    working time again for open requests. Same steps as `add_holiday`."""
    require(actor, CONFIGURATION)
    reason = " ".join(reason.split())
    if not reason:
        raise Invalid("reason", "say why the holiday is taken back")
    path, text, _ = _candidate(name, day, reason, remove=True)
    write_policy(path, text)
    return _apply(actor, REMOVE, name, day, reason, path, now)


def _apply(
    actor: Actor, action: str, name: str, day: date, reason: str, path: Path, now: datetime
) -> int:
    with transaction.atomic():
        row = record_current(name, now)
        count = recompute_open(name, now)
        record(
            actor,
            action,
            row,
            now,
            date=day.isoformat(),
            reason=reason,
            file=str(path),
            recomputed=count,
        )
    return count


def declared_holidays(name: str) -> list[DeclaredHoliday]:
    """The policy file's own holiday dates, each with its latest declaration in the
    audit trail (a date typed into the file by hand has only its comment)."""
    rows = PolicyVersion.objects.filter(policy=name).values_list("pk", flat=True)
    entries = AuditEntry.objects.filter(
        action=ADD,
        object_type=PolicyVersion._meta.label_lower,
        object_id__in=[str(pk) for pk in rows],
    ).order_by("id")
    declared = {entry.data.get("date"): entry for entry in entries}
    found = []
    for day, comment in declared_reasons(name).items():
        entry = declared.get(day.isoformat())
        if entry is None:
            found.append(DeclaredHoliday(day, comment))
        else:
            found.append(DeclaredHoliday(day, entry.data.get("reason", ""), entry.actor, entry.at))
    return found
