"""Who is signed in to the portal, and which requests they may see.

A contact who administers their organisation (CapSure's authorised
administrators, Capella's designated contact) sees all of the organisation's
requests; any other contact sees the requests they opened or are copied on (a
participant of the mail thread). Everything else is
a 404, exactly like a request that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse

from accord.accounts.actor import Actor
from accord.contracts.models import Contact, ContactRole
from accord.errors import NotFound
from accord.intake.models import Participant
from accord.portal.models import PortalAccount
from accord.tickets.models import Request
from accord.tickets.queries import parse_number, visible_requests

View = Callable[..., HttpResponseBase]


def account_of(request: HttpRequest) -> PortalAccount | None:
    """The signed-in contact's account, or None (anonymous, staff, deactivated)."""
    if hasattr(request, "_portal_account"):
        cached: PortalAccount | None = request._portal_account
        return cached
    user = request.user
    account = None
    if user.is_authenticated and user.is_active:
        account = (
            PortalAccount.objects.select_related("contact__organization", "user")
            .filter(user_id=user.pk)
            .first()
        )
        if account is not None and not account.contact.active:
            account = None  # deactivated contact or organisation: signed out

    request._portal_account = account  # type: ignore[attr-defined]
    return account


def portal_required(view: View) -> View:
    """A signed-in contact, else the portal's sign-in page (staff too: no desk session here)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        account = account_of(request)
        if account is None:
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('portal:login')}?{query}")
        request.portal = account  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapped


def actor_of(account: PortalAccount) -> Actor:
    return Actor(contact=account.contact)


def administers(contact: Contact) -> bool:
    return (
        contact.role == ContactRole.ADMINISTRATOR
        or contact.organization.designated_contact_id == contact.pk
    )


def visible(contact: Contact) -> QuerySet[Request]:
    """The requests this contact may see in the portal.

    Copied on: the contact's address is one of the request's mail participants
    (From, To or Cc of its mail, `accord.intake.models.Participant`), within the
    contact's own organisation.
    """
    qs = visible_requests(Actor(contact=contact))
    if administers(contact):
        return qs
    mine = Q(contact=contact)
    if contact.email:
        copied = Participant.objects.filter(email=contact.email.lower()).values("request_id")
        mine |= Q(pk__in=copied)
    return qs.filter(mine)


def find_visible(contact: Contact, number: str) -> Request:
    """The request if this contact may see it, else Http404."""
    try:
        value = parse_number(number)
    except NotFound:
        raise Http404("no such request") from None
    found = (
        visible(contact)
        .select_related("organization", "contact")
        .filter(number=value, merged_into__isnull=True)
        .first()
    )
    if found is None:
        raise Http404("no such request")
    return found
