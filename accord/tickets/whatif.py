"""What if a policy had been different? Every request replayed under a draft, nothing changed.

`what_if(name, draft, since, now)` evaluates every in-scope request of policy
`name` received since `since` twice as of `now`, through the engine's batch
path: under the version it runs on (before) and under `draft` (after). It
counts, per level and target, the verdicts before and after (met, breached,
still open) and lists the requests whose verdict flips. It reads only; nothing
is stored. Requests whose level (or a level they moved to) the draft does not
define cannot be replayed under it, and are counted apart, per level.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from accord.errors import Invalid
from accord.sla import Policy
from accord.sla.clock import TargetState
from accord.tickets.models import Request
from accord.tickets.replay import cases, chunks, evaluations


def verdict(state: TargetState | None) -> str:
    """met, breached or open (running or paused); "" when the target does not apply."""
    if state is None:
        return ""
    return state.state if state.state in ("met", "breached") else "open"


@dataclass
class Tally:
    before: Counter[str] = field(default_factory=Counter)  # verdict -> requests
    after: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class Flip:
    number: str
    level: str
    kind: str
    before: str
    after: str


@dataclass
class WhatIf:
    policy: str
    draft_version: str
    requests: int = 0
    vector: int = 0  # evaluations (before and after) that took the array path
    tallies: dict[tuple[str, str], Tally] = field(default_factory=dict)  # (level, kind)
    flips: list[Flip] = field(default_factory=list)
    not_in_draft: Counter[str] = field(default_factory=Counter)  # level -> requests


def what_if(name: str, draft: Policy, since: datetime | None, now: datetime) -> WhatIf:
    if draft.id != name:
        raise Invalid("file", f"the draft is policy {draft.id!r}, not {name!r}")
    result = WhatIf(policy=name, draft_version=draft.version)
    qs = Request.objects.filter(policy=name)
    if since is not None:
        qs = qs.filter(received__gte=since)
    for chunk in chunks(qs):
        timelines = cases(chunk)
        replayable: list[Request] = []
        kept = []
        for request, case in zip(chunk, timelines, strict=True):
            levels = {case.level} | {e.to for e in case.events if e.type == "level" and e.to}
            missing = sorted(levels - set(draft.level_ids))
            if missing:
                result.not_in_draft[missing[0]] += 1
                continue
            replayable.append(request)
            kept.append(case)
        before = evaluations(replayable, now, timelines=kept)
        after = evaluations(replayable, now, under=lambda _r: draft, timelines=kept)
        result.vector += before.vector + after.vector
        for request, b, a in zip(replayable, before.evaluations, after.evaluations, strict=True):
            if b is None or a is None:
                continue  # out of scope or merged: no targets either way
            result.requests += 1
            for kind in ("first_response", "resolution"):
                vb, va = verdict(b.targets[kind]), verdict(a.targets[kind])
                if not vb and not va:
                    continue
                tally = result.tallies.setdefault((b.level, kind), Tally())
                tally.before[vb or "none"] += 1
                tally.after[va or "none"] += 1
                if vb != va:
                    result.flips.append(
                        Flip(request.display_number, b.level, kind, vb or "none", va or "none")
                    )
    return result
