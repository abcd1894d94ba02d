"""A request opened with its acknowledgement queued in the same transaction.

Channels without raw mail (the REST API) open through here: the tickets service
writes the request and its acknowledgement message, and the acknowledgement's
outbox row is inserted before the commit, as the mail pipeline does for mail
(accord/intake/pipeline.py). The row then commits with the request or not at all,
and the on-commit receiver, told `acknowledgement_queued`, has nothing to look
for. What that saves per creation, all of it proven unnecessary by the request
being new: the receiver's query for unqueued acknowledgements, the outbox lookup
and the message read of `enqueue_message`, the thread's raw mail (there is none),
the per-request cap count and the insert's savepoint (no other transaction can see
the message yet).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from accord.accounts.actor import Actor
from accord.notify.queue import enqueue
from accord.tickets.intake import open_request_acknowledged
from accord.tickets.models import Request


@transaction.atomic
def open_request(actor: Actor, *, now: datetime | None = None, **fields: Any) -> Request:
    """`accord.tickets.intake.open_request`, the acknowledgement queued before commit."""
    now = now or timezone.now()
    request, ack = open_request_acknowledged(actor, now=now, acknowledgement_queued=True, **fields)
    enqueue(ack, now, raws=[], new=True)
    return request
