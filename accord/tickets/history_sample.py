"""Synthetic desk history in the import format, for tests, benchmarks and trials.

`sample_records` makes a reproducible year of requests (seeded), shaped like a
real desk's: most answered within hours, many waiting on the customer for a
while, most resolved and closed, a few escalated to another level, a share
still open. `accord import` reads them like any other JSONL.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import IO, Any

CHANNELS = ("email", "email", "email", "phone", "portal", "api", "voicemail")


def sample_records(
    count: int,
    organizations: Sequence[tuple[str, Sequence[str], str]],
    end: datetime,
    *,
    seed: int = 14,
    first_id: int = 1,
) -> Iterator[dict[str, Any]]:
    """`count` JSONL objects; `organizations` are (name, its policy's levels, contact email)."""
    rng = random.Random(seed)
    span = 365 * 24 * 60
    for n in range(first_id, first_id + count):
        org, levels, email = organizations[rng.randrange(len(organizations))]
        received = end - timedelta(minutes=rng.randrange(span))
        timeline = _Timeline(received, end)
        add, events = timeline.add, timeline.events
        level = levels[rng.randrange(len(levels))]
        roll = rng.random()
        if roll > 0.05:  # answered
            add("agent_reply", rng.randrange(5, 60 * 30), body="Thanks, we are looking into it.")
        if rng.random() < 0.05:
            add("level", rng.randrange(1, 240), to=levels[rng.randrange(len(levels))])
        if rng.random() < 0.3:
            add("status", rng.randrange(10, 600), to="waiting_on_customer")
            add("customer_reply", rng.randrange(30, 60 * 48), body="Here are the logs.")
            add("status", 0, to="open")
        if rng.random() < 0.2:
            add("internal_note", rng.randrange(5, 300), body="Reproduced on 4.2.")
        if roll < 0.85:  # resolved, mostly closed after
            add("status", rng.randrange(60, 60 * 24 * 5), to="resolved")
            if rng.random() < 0.8:
                add("status", rng.randrange(60, 60 * 24 * 3), to="closed")
        yield {
            "id": str(n),
            "organization": org,
            "contact": {"email": email, "name": email.split("@")[0].title()},
            "channel": CHANNELS[rng.randrange(len(CHANNELS))],
            "level": level,
            "received": received.isoformat(),
            "subject": f"Case {n}: the reports page fails",
            "description": "Since this morning the reports page shows an error.",
            "events": events,
        }


class _Timeline:
    def __init__(self, start: datetime, end: datetime) -> None:
        self.t, self.end = start, end
        self.events: list[dict[str, Any]] = []

    def add(self, kind: str, minutes: int, to: str | None = None, body: str = "") -> None:
        self.t = min(self.t + timedelta(minutes=minutes), self.end)
        ev: dict[str, Any] = {"at": self.t.isoformat(), "type": kind}
        if to:
            ev["to"] = to
        if body:
            ev["body"] = body
        self.events.append(ev)


def write_jsonl(records: Iterator[dict[str, Any]], stream: IO[str]) -> int:
    count = 0
    for record in records:
        stream.write(json.dumps(record) + "\n")
        count += 1
    return count
