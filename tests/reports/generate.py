"""Generated request histories for the report tests and benchmark.

Each request is opened with a past receipt instant and given a random
timeline (replies, waiting on the customer and back, workarounds,
resolutions, level changes), all through the desk's services with past `at=`
instants, so the stored targets are whatever the services computed. Moves the
workflow refuses are simply skipped.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from accord.accounts.actor import Actor
from accord.contracts.models import Contact
from accord.errors import DeskError
from accord.sla import load_policy
from accord.tickets import actions, intake
from accord.tickets.models import Request

STEPS = ("reply", "wait", "open", "workaround", "resolve", "level", "note")


def history(
    rng: random.Random,
    actor: Actor,
    contact: Contact,
    *,
    count: int,
    first: datetime,
    last: datetime,
    now: datetime,
) -> list[Request]:
    """`count` requests received between `first` and `last`, each with a timeline before `now`,
    each step recorded at its own instant as a live desk would."""
    policy = load_policy(contact.organization.policy)
    levels = list(policy.level_ids)
    span = (last - first).total_seconds()
    made = []
    for i in range(count):
        # With microseconds, as the API and the desk record them: the figures must add
        # up all the same (accord.sla.measure counts each instant at its whole second).
        received = first + timedelta(microseconds=int(rng.uniform(0, span) * 1_000_000))
        req = intake.open_request(
            actor,
            contact=contact.pk,
            channel=rng.choice(["email", "phone", "portal"]),
            level=rng.choice(levels),
            subject=f"Generated {i}",
            description="A generated history.",
            received=received,
            now=received,
        )
        at = received
        for _ in range(rng.randint(0, 6)):
            at += timedelta(minutes=rng.choice([5, 30, 90, 240, 900, 3000]))
            if at >= now:
                break
            # Written as it happened (now=at): a verdict is recorded when it falls and then
            # stays (docs/alerts.md), so history entered after the fact would differ.
            _step(rng, actor, req.number, rng.choice(STEPS), at, at, levels)
        made.append(req)
    return made


def _step(
    rng: random.Random,
    actor: Actor,
    number: int,
    step: str,
    at: datetime,
    now: datetime,
    levels: list[str],
) -> None:
    try:
        if step == "reply":
            actions.post_message(actor, number, body="We are on it.", at=at, now=now)
        elif step == "note":
            actions.post_message(actor, number, body="Internal.", public=False, at=at, now=now)
        elif step == "level":
            actions.change_level(actor, number, to=rng.choice(levels), at=at, now=now)
        else:
            to = {
                "wait": "waiting_on_customer",
                "open": "open",
                "workaround": "workaround_provided",
                "resolve": "resolved",
            }[step]
            actions.change_status(actor, number, to=to, at=at, now=now)
    except DeskError:
        pass  # a move the workflow refuses (e.g. resolved -> waiting): skipped
