"""capella 5.4: several issues in one contact become several requests.

`split` is the one service behind the API, the desk's "Split" action and the
demo. Each part is a request of its own from the customer's original notice:
same receipt and notice instant (the customer raised every issue then), its own
level, its own scope decision read from its own text, and its own
acknowledgement stating its own targets (and the flags of its text, such as a
suggested exclusion). A response already given on the original counts for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accord.accounts.actor import Actor
from accord.errors import Invalid
from accord.tickets import log
from accord.tickets.acknowledgement import acknowledgement_text, record_automated
from accord.tickets.actions import finish_change, require_not_closed, require_staff
from accord.tickets.intake import apply_decision, attach_agreement, check_level, text
from accord.tickets.models import Request
from accord.tickets.numbering import next_number
from accord.tickets.queries import find_request
from accord.tickets.scope import decide
from accord.tickets.signals import request_opened, send_on_commit
from accord.tickets.targets import evaluate_request, policy_of, targets_apply

SEVERAL = "several_issues"


@dataclass(frozen=True)
class Part:
    subject: str
    description: str
    level: str


def _acknowledge(
    actor: Actor, original: Request, new: Request, details: dict[str, object], now: datetime
) -> None:
    """The part's own acknowledgement: which request it came from, then its own terms."""
    policy = policy_of(new)
    ev = evaluate_request(new, now) if targets_apply(new) else None
    clause = policy.spec.guidance.split_clause
    body = "\n".join(
        [
            f"Your request {original.display_number} raised several issues, so we track "
            f"each on its own{f' (clause {clause})' if clause else ''}. This one is "
            f"{new.display_number}, from the time you first contacted us.",
            "",
            acknowledgement_text(new, policy, ev, details),
        ]
    )
    ack = record_automated(new, body, now, channel=original.channel)
    log.append(new, "auto_reply", at=now, actor=actor, now=now, message=ack)


@transaction.atomic
def split(
    actor: Actor, number: str | int, *, parts: list[Part], now: datetime | None = None
) -> list[Request]:
    """Split parts off a request; each gets its own number, decision and acknowledgement.

    The original keeps its own issue, records the split, and loses its
    `several_issues` flag (the agent has acted on it).
    """
    now = now or timezone.now()
    original = find_request(actor, number, for_update=True)
    require_staff(actor)
    require_not_closed(original)
    if not parts:
        raise Invalid("parts", "give at least one part to split off")
    policy = policy_of(original)
    replies = list(original.events.filter(kind="agent_reply").order_by("seq"))
    created: list[Request] = []
    for i, part in enumerate(parts):
        level = check_level(policy, part.level, f"parts[{i}].level")
        subject = text(part.subject, f"parts[{i}].subject", 200)
        description = text(part.description, f"parts[{i}].description")
        decision = decide(
            policy, original.organization, original.contact, original.notice, subject, description
        )
        new = Request(
            number=next_number(),
            organization=original.organization,
            contact=original.contact,
            channel=original.channel,
            received=original.received,
            notice=original.notice,
            level=level,
            initial_level=level,
            policy=original.policy,
            policy_version=original.policy_version,
            subject=subject,
            description=description,
            split_from=original,
            team_id=original.team_id,
            created=now,
            updated=now,
        )
        apply_decision(new, decision)
        new.save()
        attach_agreement(new, decision)
        log.append(
            new,
            "opened",
            at=new.received,
            actor=actor,
            now=now,
            to=level,
            split_from=original.number,
        )
        log.append(
            new,
            "scope",
            at=new.received,
            actor=actor,
            now=now,
            to=decision.decision,
            reason=decision.reason,
            clause=decision.clause,
        )
        for reply in replies:
            log.append(
                new, "agent_reply", at=reply.at, actor=actor, now=now, copied_from=original.number
            )
        _acknowledge(actor, original, new, decision.details, now)
        finish_change(new, actor, now, "request.split_from", original=original.number)
        send_on_commit(request_opened, Request, request_id=new.pk)
        created.append(new)
    original.flags = [f for f in original.flags or [] if f.get("code") != SEVERAL]
    log.append(original, "split", at=now, actor=actor, now=now, into=[r.number for r in created])
    finish_change(original, actor, now, "request.split", into=[r.number for r in created])
    return created
