"""Shared helpers for clock tests: local instants and one-call evaluation."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from accord.sla import Event, evaluate, load_policy
from accord.sla.clock import Evaluation

NY = ZoneInfo("America/New_York")
NZ = ZoneInfo("Pacific/Auckland")
ZONES = {"capsure": NY, "capella": NZ}


def at(policy: str, text: str) -> datetime:
    """A local wall time of the policy's zone, e.g. at("capella", "2026-11-23 10:00")."""
    return datetime.fromisoformat(text).replace(tzinfo=ZONES[policy])


def run(
    policy: str,
    level: str,
    channel: str,
    received: str,
    events: list[tuple[str, str] | tuple[str, str, str]],
    as_of: str,
) -> Evaluation:
    """Evaluate a timeline written in the policy's local time."""
    evs = [Event(at(policy, e[0]), e[1], e[2] if len(e) > 2 else None) for e in events]  # type: ignore[misc]
    return evaluate(
        load_policy(policy), level, channel, at(policy, received), evs, at(policy, as_of)
    )


def local(policy: str, t: datetime | None) -> str | None:
    """An instant as "YYYY-MM-DD HH:MM" in the policy's zone (seconds if not whole minutes)."""
    if t is None:
        return None
    lt = t.astimezone(ZONES[policy])
    return lt.strftime("%Y-%m-%d %H:%M:%S" if lt.second else "%Y-%m-%d %H:%M")
