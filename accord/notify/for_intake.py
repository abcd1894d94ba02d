"""The outbox as the email channel sees it (accord.intake.outbound), registered at start-up.

intake may not import notify (the layer test forbids the cycle), so it calls
these through the protocol it defines; each is the same call it made before.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from accord.intake.models import RawMessage
from accord.intake.outbound import SentMail
from accord.notify.models import Outbox
from accord.notify.queue import enqueue, enqueue_notice
from accord.tickets.models import Message, Request


class OutboxForIntake:
    def queue(self, message: Message, now: datetime, raws: list[RawMessage], new: bool) -> None:
        enqueue(message, now, raws=raws, new=new)

    def queue_notice(
        self, request: Request, *, key: str, to: str, template: str, context: dict[str, Any],
        now: datetime,
    ) -> None:  # fmt: skip
        enqueue_notice(request, key=key, to=to, template=template, context=context, now=now)

    def find_sent(self, message_id: str) -> SentMail | None:
        sent = Outbox.objects.filter(message_id=message_id).select_related("request").first()
        if sent is None:
            return None
        return SentMail(sent.request, sent.to_email, sent.get_kind_display().lower())

    def mark_bounced(self, message_id: str, reason: str) -> None:
        Outbox.objects.filter(message_id=message_id).update(
            state=Outbox.State.BOUNCED, reason=reason[:2000]
        )
