"""Staff users and API tokens: create, change, deactivate, revoke; authenticate a token.

Every change is one atomic service call that writes the audit trail. Passwords
go through Django's validators (settings.AUTH_PASSWORD_VALIDATORS); a refused
password raises `Invalid("password", ...)` with the validators' reasons.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from accord.accounts.actor import SYSTEM, Actor, staff
from accord.accounts.models import Agent, ApiToken, Role, Team
from accord.accounts.permissions import TOKENS, require
from accord.audit.services import record
from accord.contracts.models import Contact
from accord.errors import Invalid

TOKEN_PREFIX = "acc_"
_USERNAME = re.compile(r"^[A-Za-z0-9_.@+-]{1,150}$")


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_user(
    name: str,
    *,
    role: str,
    can_import: bool = False,
    team: str | None = None,
    password: str | None = None,
    email: str = "",
    actor: Actor = SYSTEM,
    now: datetime | None = None,
) -> User:
    """A staff user with an Agent profile; admins may also log in to /admin.

    `email`: where the user's alerts go (docs/alerts.md); it can be set later.
    """
    now = now or timezone.now()
    email = clean_email(email)
    if not _USERNAME.match(name):
        raise Invalid("name", "letters, digits and _ . @ + - only, at most 150 characters")
    if role not in Role.values:
        raise Invalid("role", f"expected one of {', '.join(Role.values)}")
    user_model = get_user_model()
    if user_model.objects.filter(username=name).exists():
        raise Invalid("name", f"user {name!r} already exists")
    if password is not None:
        check_password_rules(password, user_model(username=name))
    is_admin = role == Role.ADMIN
    user = user_model.objects.create_user(
        username=name, password=password, email=email, is_staff=is_admin, is_superuser=is_admin
    )
    group = Team.objects.get_or_create(name=team)[0] if team else None
    Agent.objects.create(user=user, role=role, team=group)
    if can_import:
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label="accounts", codename="import_history")
        )
    record(actor, "user.create", user, now, role=role, can_import=can_import, email=email)
    return user


def clean_email(email: str, field: str = "email") -> str:
    """The address, trimmed and lower-cased; "" for none; Invalid when malformed."""
    email = (email or "").strip().lower()
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError:
        raise Invalid(field, f"{email!r} is not an email address") from None
    return email


@transaction.atomic
def set_email(name: str, email: str, *, actor: Actor = SYSTEM, now: datetime | None = None) -> User:
    """Change (or with "" remove) a staff user's alert address."""
    now = now or timezone.now()
    user = get_user_model().objects.filter(username=name, agent__isnull=False).first()
    if user is None:
        raise Invalid("name", f"no staff user {name!r}")
    previous, user.email = user.email, clean_email(email)
    user.save(update_fields=["email"])
    record(actor, "user.email", user, now, previous=previous, email=user.email)
    return user


@transaction.atomic
def create_token(
    *,
    user: str | None = None,
    contact: int | None = None,
    actor: Actor = SYSTEM,
    now: datetime | None = None,
) -> str:
    """A new token for a staff user (by name) or a customer contact (by id).

    Returns the secret; only its hash is stored, so it cannot be shown again.
    """
    now = now or timezone.now()
    require(actor, TOKENS)
    if (user is None) == (contact is None):
        raise Invalid("user", "give either a user or a contact")
    owner_user = owner_contact = None
    if user is not None:
        owner_user = get_user_model().objects.filter(username=user).first()
        if owner_user is None:
            raise Invalid("user", f"no user {user!r}")
    elif contact is not None:
        owner_contact = Contact.objects.filter(pk=contact).first()
        if owner_contact is None:
            raise Invalid("contact", f"no contact {contact}")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        key_hash=_hash(secret),
        prefix=secret[:10],
        user=owner_user,
        contact=owner_contact,
        created=now,
    )
    record(actor, "token.create", token, now, user=user, contact=contact)
    return secret


def check_password_rules(password: str, user: User) -> None:
    """Django's password validators, as an `Invalid` naming the password field."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise Invalid("password", " ".join(exc.messages)) from None


def _user(name: str) -> User:
    user = get_user_model().objects.filter(username=name).first()
    if user is None:
        raise Invalid("user", f"no user {name!r}")
    return user


@dataclass(frozen=True)
class UserRow:
    name: str
    role: str | None  # None: a Django user without a desk profile
    team: str | None
    active: bool
    last_login: datetime | None
    email: str


def list_users() -> list[UserRow]:
    """Every login, staff or not, by name."""
    users = get_user_model().objects.select_related("agent__team").order_by("username")
    rows = []
    for u in users:
        agent = getattr(u, "agent", None)
        rows.append(
            UserRow(
                u.get_username(),
                agent.role if agent else None,
                agent.team.name if agent and agent.team else None,
                u.is_active,
                u.last_login,
                u.email,
            )
        )
    return rows


@transaction.atomic
def set_role(name: str, role: str, *, actor: Actor = SYSTEM, now: datetime | None = None) -> User:
    """Change a user's desk role; only admins may log in to /admin."""
    now = now or timezone.now()
    if role not in Role.values:
        raise Invalid("role", f"expected one of {', '.join(Role.values)}")
    user = _user(name)
    agent, _ = Agent.objects.get_or_create(user=user)
    before = agent.role
    agent.role = role
    agent.save(update_fields=["role"])
    is_admin = role == Role.ADMIN
    user.is_staff = user.is_superuser = is_admin
    user.save(update_fields=["is_staff", "is_superuser"])
    record(actor, "user.set_role", user, now, before=before, after=role)
    return user


@transaction.atomic
def set_password(
    name: str, password: str, *, actor: Actor = SYSTEM, now: datetime | None = None
) -> User:
    """A new password (validated); the user's other sessions end (Django's hash check)."""
    now = now or timezone.now()
    user = _user(name)
    check_password_rules(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    record(actor, "user.set_password", user, now)
    return user


@transaction.atomic
def set_active(
    name: str, active: bool, *, actor: Actor = SYSTEM, now: datetime | None = None
) -> User:
    """Deactivate (or reactivate) a login: it can no longer log in, its tokens stop working.

    Users are never deleted: requests, messages and the audit trail point to them.
    """
    now = now or timezone.now()
    user = _user(name)
    if actor.user is not None and actor.user.pk == user.pk and not active:
        raise Invalid("user", "you cannot deactivate yourself")
    user.is_active = active
    user.save(update_fields=["is_active"])
    record(actor, "user.activate" if active else "user.deactivate", user, now)
    return user


@transaction.atomic
def unlock(
    name: str | None = None,
    *,
    address: str | None = None,
    actor: Actor = SYSTEM,
    now: datetime | None = None,
) -> int:
    """Forget the failed logins of an account or a source address (lifts a lockout)."""
    from axes.utils import reset

    now = now or timezone.now()
    if (name is None) == (address is None):
        raise Invalid("user", "give either a user name or an address")
    if name is not None:
        user = _user(name)
        cleared = reset(username=name)
        record(actor, "user.unlock", user, now, cleared=cleared)
    else:
        cleared = reset(ip=address)
    return int(cleared)


@dataclass(frozen=True)
class TokenRow:
    id: int
    prefix: str
    owner: str
    created: datetime
    last_used: datetime | None
    revoked: datetime | None


def list_tokens(*, include_revoked: bool = False) -> list[TokenRow]:
    """Tokens by creation, their owner, and when they were last used (never the secret)."""
    qs = ApiToken.objects.select_related("user", "contact").order_by("created", "pk")
    if not include_revoked:
        qs = qs.filter(revoked__isnull=True)
    return [
        TokenRow(
            t.pk,
            t.prefix,
            f"user:{t.user.get_username()}" if t.user else f"contact:{t.contact_id}",
            t.created,
            t.last_used,
            t.revoked,
        )
        for t in qs
    ]


@transaction.atomic
def revoke_token(token_id: int, *, actor: Actor = SYSTEM, now: datetime | None = None) -> ApiToken:
    """Stop a token from working; the row stays for the audit trail."""
    now = now or timezone.now()
    require(actor, TOKENS)
    token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
    if token is None:
        raise Invalid("token", f"no token {token_id}")
    if token.revoked is not None:
        raise Invalid("token", f"token {token_id} was already revoked")
    token.revoked = now
    token.save(update_fields=["revoked"])
    record(actor, "token.revoke", token, now)
    return token


_LAST_USED_GRAIN = timedelta(minutes=1)


def authenticate(secret: str) -> Actor | None:
    """The actor a bearer token stands for, or None (unknown, revoked, inactive)."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user", "contact__organization")
        .filter(key_hash=_hash(secret), revoked__isnull=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used is None or now - token.last_used >= _LAST_USED_GRAIN:
        # One conditional UPDATE a minute per token, not a write per API call.
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    if token.user is not None:
        return staff(token.user) if token.user.is_active else None
    contact = token.contact
    if contact is None or contact.deactivated or contact.organization.deactivated:
        return None  # a deactivated contact or organisation (accord.contracts.edits)
    return Actor(contact=contact)
