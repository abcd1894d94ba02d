"""Portal accounts: invitation, choosing a password, reset, sign-in links.

Each function that changes something is one transaction with its audit row and
returns the mail to send (`accord.portal.mail.AccountMail`), which the caller
sends after the commit. Links are built from `base_url` (the address the staff
member or customer used, or ACCORD_PUBLIC_URL) and are one-time
(accord.portal.tokens).
"""

from __future__ import annotations

import secrets
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from accord.accounts.actor import Actor
from accord.audit.services import record
from accord.contracts.models import Contact
from accord.errors import Conflict, Forbidden, Invalid, NotFound
from accord.portal.mail import AccountMail
from accord.portal.models import USERNAME_PREFIX, PortalAccount
from accord.portal.tokens import password_tokens, sign_in_tokens

MAX_EMAIL = 150 - len(USERNAME_PREFIX)


def username_for(email: str) -> str:
    """The Django user name a portal sign-in name maps to (never a staff name: ':')."""
    return USERNAME_PREFIX + email.strip().lower()


def _link(base_url: str, name: str, account: PortalAccount, token: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(account.pk))
    return base_url.rstrip("/") + reverse(name, args=[uid, token])


def account_from_uid(uidb64: str) -> PortalAccount | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError):
        return None
    return (
        PortalAccount.objects.select_related("user", "contact__organization").filter(pk=pk).first()
    )


@transaction.atomic
def invite(
    actor: Actor, contact_id: int, *, base_url: str, now: datetime | None = None
) -> tuple[PortalAccount, AccountMail]:
    """Staff invite a contact: the account is made and a 72-hour set-password link mailed.

    Inviting again before the contact chose a password sends a new link (the old one
    still works until used or expired); an active account is a Conflict.
    """
    now = now or timezone.now()
    if not actor.is_staff:
        raise Forbidden("token", "only staff may invite contacts to the portal")
    contact = Contact.objects.select_related("organization").filter(pk=contact_id).first()
    if contact is None:
        raise NotFound("contact", f"no contact {contact_id}")
    email = contact.email.strip().lower()
    if not email:
        raise Invalid("email", f"{contact.name} has no email address to send the invitation to")
    if len(email) > MAX_EMAIL:
        raise Invalid("email", f"at most {MAX_EMAIL} characters for a portal sign-in")
    account = PortalAccount.objects.select_related("user").filter(contact=contact).first()
    if account is not None and account.activated_at is not None:
        raise Conflict(
            "contact", f"{contact.name} already uses the portal; they can reset their password"
        )
    other = PortalAccount.objects.filter(email=email).exclude(contact=contact).first()
    if other is not None:
        raise Conflict(
            "email",
            f"{email} already signs in to the portal for another contact (id {other.contact_id})",
        )
    if account is None:
        user = get_user_model().objects.create_user(
            username=username_for(email), email=email, first_name=contact.name[:150]
        )  # no password: unusable until the contact chooses one
        account = PortalAccount.objects.create(
            contact=contact,
            user=user,
            email=email,
            feed_key=secrets.token_urlsafe(32),
            invited_at=now,
            invited_by=actor.label,
        )
    else:
        account.invited_at, account.invited_by = now, actor.label
        account.save(update_fields=["invited_at", "invited_by"])
    record(actor, "portal.invite", account, now, contact=contact.pk, email=email)
    link = _link(base_url, "portal:set-password", account, password_tokens.make_token(account.user))
    return account, AccountMail(
        email,
        "invite",
        {
            "subject": f"Your support portal account for {contact.organization.name}",
            "contact": contact,
            "link": link,
        },
    )


def check_password_choice(user: User, password: str, confirm: str) -> None:
    """Django's validators (length, common, similarity, numeric); Invalid names the field."""
    if password != confirm:
        raise Invalid("password2", "the two passwords differ")
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise Invalid("password1", " ".join(exc.messages)) from None


@transaction.atomic
def set_password(
    account: PortalAccount, token: str, password: str, confirm: str, now: datetime | None = None
) -> None:
    """Choose a password with an invitation or reset link (which it uses up)."""
    now = now or timezone.now()
    user = account.user
    if not password_tokens.check_token(user, token):
        raise Invalid("token", "this link has expired or was already used; ask for a new one")
    check_password_choice(user, password, confirm)
    user.set_password(password)
    user.save(update_fields=["password"])
    first = account.activated_at is None
    if first:
        account.activated_at = now
        account.save(update_fields=["activated_at"])
    record(
        Actor(contact=account.contact),
        "portal.password_set" if first else "portal.password_reset",
        account,
        now,
    )


_LINKS = {"reset": "portal:set-password", "sign_in": "portal:sign-in-link"}


def _link_mail(
    account: PortalAccount,
    kind: str,
    subject: str,
    tokens: PasswordResetTokenGenerator,
    base_url: str,
    now: datetime | None,
) -> AccountMail:
    """Audit the request and build its mail with a fresh one-time link."""
    record(Actor(contact=account.contact), f"portal.{kind}_link", account, now or timezone.now())
    link = _link(base_url, _LINKS[kind], account, tokens.make_token(account.user))
    return AccountMail(account.email, kind, {"subject": subject, "link": link})


def _active_account(email: str) -> PortalAccount | None:
    return (
        PortalAccount.objects.select_related("user", "contact__organization")
        .filter(email=email.strip().lower(), user__is_active=True)
        .first()
    )


@transaction.atomic
def request_reset(email: str, *, base_url: str, now: datetime | None = None) -> AccountMail | None:
    """ "Forgot your password?": a 72-hour link to choose a new one, if the account exists.

    None when no account has this address: the page says the same either way, so
    it does not tell a stranger who has an account.
    """
    account = _active_account(email)
    if account is None:
        return None
    subject = "Choose a new password for the support portal"
    return _link_mail(account, "reset", subject, password_tokens, base_url, now)


@transaction.atomic
def request_sign_in_link(
    email: str, *, base_url: str, now: datetime | None = None
) -> AccountMail | None:
    """A one-time sign-in link (30 minutes) instead of the password; None as above."""
    account = _active_account(email)
    if account is None or account.activated_at is None:
        return None
    subject = "Your sign-in link for the support portal"
    return _link_mail(account, "sign_in", subject, sign_in_tokens, base_url, now)
