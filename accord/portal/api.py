"""`POST /api/v1/contacts/{id}/invite`: the desk's "Invite to portal" for API clients.

The router is the portal's (it owns the accounts and their mail) and is mounted
on the API by accord/urls.py, so the API layer never imports the portal.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema
from ninja import Status as HttpStatus

from accord.api.auth import actor_of
from accord.api.schemas import ErrorOut
from accord.portal import accounts, mail

router = Router(tags=["portal"])
ERRORS = {code: ErrorOut for code in (401, 403, 404, 409, 422, 503)}


class InviteOut(Schema):
    contact: int
    email: str
    invited_at: datetime
    mail: str


@router.post("/contacts/{contact_id}/invite", response={202: InviteOut, **ERRORS})
def invite(request: HttpRequest, contact_id: int):  # type: ignore[no-untyped-def]
    """Mail the contact a one-time link (valid 72 hours) to choose a portal password."""
    account, message = accounts.invite(
        actor_of(request), contact_id, base_url=settings.ACCORD_PUBLIC_URL
    )
    try:
        mail.send(message)
    except mail.MailNotSent as exc:
        return HttpStatus(
            503, {"detail": f"invitation recorded, but {exc}; invite again", "field": "mail"}
        )
    return HttpStatus(
        202,
        InviteOut(
            contact=account.contact_id,
            email=account.email,
            invited_at=account.invited_at,
            mail="sent",
        ),
    )
