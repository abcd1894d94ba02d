"""The private calendar feed: a contact's open requests' due instants, as iCalendar.

One event per running target with a due instant (reply, resolution), at the
instant itself, from the stored targets (kept current by every change). The
address carries a secret (`PortalAccount.feed_key`), so a calendar program can
subscribe without signing in; an unknown key is a 404.
"""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar, Event

from accord.portal.access import visible
from accord.portal.models import PortalAccount
from accord.portal.words import STATUS_WORDS
from accord.tickets.models import SlaTarget, Status

OPEN = (Status.OPEN, Status.WAITING_ON_CUSTOMER, Status.WORKAROUND_PROVIDED)
WHAT = {"first_response": "reply due", "resolution": "resolution due"}


def feed(account: PortalAccount, now: datetime, base_url: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Accord//Support portal//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"Support requests: {account.contact.organization.name}")
    targets = (
        SlaTarget.objects.filter(
            request__in=visible(account.contact).filter(status__in=OPEN),
            state="running",
            due__isnull=False,
        )
        .select_related("request")
        .order_by("due")
    )
    for t in targets:
        req = t.request
        assert t.due is not None
        ev = Event()
        ev.add("uid", f"{req.display_number}-{t.kind}@accord")
        ev.add("dtstamp", now)
        ev.add("dtstart", t.due)
        ev.add("dtend", t.due)
        ev.add("summary", f"{req.display_number} {WHAT.get(t.kind, t.kind)}: {req.subject}")
        ev.add("description", f"{STATUS_WORDS.get(req.status, req.status)}. Clause {t.clause}.")
        ev.add("url", f"{base_url}/portal/requests/{req.display_number}/")
        cal.add_component(ev)
    return cal.to_ical()
