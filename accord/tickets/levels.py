"""The level a mailed request starts at, and the agent's confirmation of it.

Mail has no level field. A level the customer states in the subject or first
lines ("[Severity 1]", "Priority: High", in the policy's own words, read by
`accord.tickets.triage.claimed_level`) is taken at intake and flagged
`customer_stated_level`; otherwise the support address's level applies and the
request is flagged `level_not_triaged`. Either way the level is provisional:
the acknowledgement gives its targets but never a resolution method (a sev3's
"next scheduled release" is no promise to make before anyone has read the
mail), and an agent confirming or changing the level (`change_level`) clears
the flag.
"""

from __future__ import annotations

from datetime import datetime

from accord.accounts.actor import Actor
from accord.audit.services import record
from accord.sla import Policy
from accord.tickets import log
from accord.tickets.models import Request
from accord.tickets.triage import claimed_level

STATED = "customer_stated_level"
UNTRIAGED = "level_not_triaged"
LEVEL_FLAGS = frozenset({STATED, UNTRIAGED})


def triage_level(
    policy: Policy, subject: str, body: str, default: str, source: str
) -> tuple[str, dict[str, str]]:
    """The level to open at and its flag; `default` comes from `source` (the address)."""
    claim = claimed_level(policy, subject, body)
    if claim is not None:
        spec, words = claim
        label = policy.level(spec.level).label
        return spec.level, {
            "code": STATED,
            "message": f"the customer wrote \u201c{words}\u201d: opened as {label}; "
            "confirm or change the level",
            "clause": spec.clause,
            "level": spec.level,
            "words": words,
        }
    level = policy.level(default)
    return default, {
        "code": UNTRIAGED,
        "message": f"no level stated: {level.label} from {source}; confirm or change the level",
        "clause": level.clause,
        "level": default,
    }


def untriaged(request: Request) -> bool:
    """The level still waits for an agent: no resolution method is promised yet."""
    return any(isinstance(f, dict) and f.get("code") in LEVEL_FLAGS for f in request.flags or [])


def settle(actor: Actor, request: Request, now: datetime, *, to: str) -> bool:
    """An agent set or confirmed the level: clear the flags (unsaved); True if any."""
    found = [f for f in request.flags or [] if isinstance(f, dict) and f.get("code") in LEVEL_FLAGS]
    if not found:
        return False
    request.flags = [f for f in request.flags if f not in found]
    for flag in found:
        log.append(request, "flag_cleared", at=now, actor=actor, now=now, code=flag["code"], to=to)
    record(actor, "request.level_triaged", request, now, level=to)
    return True
