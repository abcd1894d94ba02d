"""Mail to the customer when an agent changes the status (semantics: customer mail).

| status | the mail says |
| --- | --- |
| waiting on customer | what is needed: the agent's latest public message |
| workaround provided, resolved | what was done, and how to reopen (reply to the mail) |
| closed | that it is closed, and how to follow up (a new request quoting the number) |

One notice per status event (outbox `notice_key` `status:<event id>`), through
`enqueue_notice`, so the automated-mail caps and loop rules apply. Imported
history (a status dated more than a day before it was recorded) is not mailed.
"""

from __future__ import annotations

from datetime import datetime

from accord.notify.models import Outbox
from accord.notify.queue import FRESH, enqueue_notice
from accord.tickets.models import Event, Message, Status

TITLES: dict[str, str] = {
    Status.WAITING_ON_CUSTOMER: "We need information from you",
    Status.WORKAROUND_PROVIDED: "A workaround is available",
    Status.RESOLVED: "Resolved",
    Status.CLOSED: "Closed",
}


def status_notice(event: Event, now: datetime) -> Outbox | None:
    """The customer's mail for one status event, queued once; None when none is due."""
    if event.kind != "status" or event.to not in TITLES or event.recorded - event.at > FRESH:
        return None
    request = event.request
    to = (request.contact.email or "").strip()
    if not to:
        return None
    latest = (
        Message.objects.filter(
            request=request,
            direction=Message.Direction.OUTBOUND,
            public=True,
            automated=False,
            at__lte=event.at,
        )
        .order_by("-at", "-id")
        .first()
    )
    context = {
        "title": TITLES[event.to],
        "status": event.to,
        "latest": latest.body_text if latest is not None else "",
    }
    return enqueue_notice(
        request,
        key=f"status:{event.pk}",
        to=to,
        template=f"status_{event.to}",
        context=context,
        now=now,
    )
