"""Follow-up work announced after a service's transaction commits.

Receivers (the email channel's acknowledgement and reply mail, the worker)
connect here; they run only once the change is durable, never for a change
that rolled back.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import Signal

# sender=Request, request_id=int, acknowledgement_queued=bool (the acknowledgement's
# outbox row committed with the request)
request_opened = Signal()
# sender=Message, message_id=int, request_id=int
message_added = Signal()
# sender=Request, request_id=int, changes=list[str]
request_changed = Signal()


def send_on_commit(signal: Signal, sender: type, **kwargs: Any) -> None:
    transaction.on_commit(lambda: signal.send(sender=sender, **kwargs))
