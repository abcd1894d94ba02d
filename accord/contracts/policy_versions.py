"""Policy versions: a request runs under the version in force at its notice.

The shipped file (`accord/policies/NAME.toml`) is the current version. Every
version a request has run under is kept as a `PolicyVersion` row with its text,
so a later edit of the file never changes an older request's contract
(semantics page, section 5):

- a *new version* (another `policy.version` in the file) applies to requests
  whose notice is on or after its `effective` date; an admin may move open
  requests to it (`accord.tickets.policy_moves`: `move_to_version`, after
  `preview_move` has listed every deadline that would move);
- a *correction* (the same version, other text: a newly declared public
  holiday) replaces the stored text, so it applies at once to every request on
  that version; `accord.tickets.policy_moves.recompute_open` then refreshes
  their stored target rows. Met and breached verdicts already recorded in the
  log stay what they were.
"""

from __future__ import annotations

import hashlib
import tomllib
from bisect import bisect_right
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from accord.contracts.models import PolicyVersion
from accord.sla import Policy, load_policy
from accord.sla.policy import parse_policy, resolve_policy_path

_COMPILED: dict[str, Policy] = {}  # digest -> compiled policy
_SUPERSEDED: dict[tuple[str, str], Policy] = {}  # (policy, version) no longer shipped


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_TEXTS: dict[tuple[str, float], tuple[str, str]] = {}  # (path, mtime) -> (text, digest)


def _file_text(path: Path) -> tuple[str, str]:
    """The file's text and digest, read again whenever its modification time changes
    (as `load_policy` compiles it again)."""
    key = (str(path), path.stat().st_mtime)
    found = _TEXTS.get(key)
    if found is None:
        text = path.read_text(encoding="utf-8")
        found = _TEXTS[key] = (text, _digest(text))
    return found


def record_current(name: str, now: datetime) -> PolicyVersion:
    """The row of the shipped file's version, created or corrected to match the file."""
    path = resolve_policy_path(name)
    policy = load_policy(name)
    text, digest = _file_text(path)
    row = PolicyVersion.objects.filter(policy=policy.id, version=policy.version).first()
    if row is None:
        row, _ = PolicyVersion.objects.get_or_create(
            policy=policy.id,
            version=policy.version,
            defaults={
                "effective": policy.spec.policy.effective,
                "text": text,
                "digest": digest,
                "recorded": now,
            },
        )
    elif row.digest != digest:
        PolicyVersion.objects.filter(pk=row.pk).update(
            text=text, digest=digest, effective=policy.spec.policy.effective, corrected=now
        )
        row.refresh_from_db()
    _COMPILED.setdefault(row.digest, policy)
    return row


def compiled(row: PolicyVersion) -> Policy:
    """The compiled policy of a stored version (cached by digest)."""
    found = _COMPILED.get(row.digest)
    if found is None:
        source = resolve_policy_path(row.policy)  # .ics paths are relative to the shipped file
        found = _COMPILED[row.digest] = parse_policy(tomllib.loads(row.text), source)
    return found


def policy_version(name: str, version: str) -> Policy:
    """The policy `name` as it is at `version`.

    The shipped file is authoritative for its own version, so a correction to it
    applies at once; older versions come from their stored text.
    """
    current = load_policy(name)
    if current.version == version:
        return current
    found = _SUPERSEDED.get((name, version))
    if found is None:
        row = PolicyVersion.objects.filter(policy=name, version=version).first()
        if row is None:
            return current
        # Only the current version's row is ever corrected, so once superseded a
        # version's text is final: every read of its requests can share one compile.
        found = _SUPERSEDED[(name, version)] = compiled(row)
    return found


def version_for_notice(name: str, notice: datetime, now: datetime) -> tuple[Policy, str]:
    """(policy, version) in force at `notice`: the latest whose effective date has come."""
    current_row = record_current(name, now)
    policy = load_policy(name)
    local_day = notice.astimezone(policy.zone).date()
    if current_row.effective <= local_day:
        return policy, current_row.version
    older = (
        PolicyVersion.objects.filter(policy=name, effective__lte=local_day)
        .exclude(pk=current_row.pk)
        .order_by("-effective")
        .first()
    )
    if older is None:
        return policy, current_row.version
    return compiled(older), older.version


def versions_in_force(name: str, now: datetime) -> Callable[[datetime], tuple[Policy, str]]:
    """`version_for_notice` for many notices: the versions are read once, then each
    notice is a bisection on their effective dates (a bulk import's thousands)."""
    current_row = record_current(name, now)
    policy = load_policy(name)
    older = list(
        PolicyVersion.objects.filter(policy=name, effective__lt=current_row.effective)
        .exclude(pk=current_row.pk)
        .order_by("effective")
    )
    effective = [row.effective for row in older]

    def at(notice: datetime) -> tuple[Policy, str]:
        local_day = notice.astimezone(policy.zone).date()
        if current_row.effective <= local_day:
            return policy, current_row.version
        i = bisect_right(effective, local_day)
        if i == 0:
            return policy, current_row.version
        return compiled(older[i - 1]), older[i - 1].version

    return at
