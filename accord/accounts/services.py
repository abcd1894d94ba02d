"""Creating staff users and API tokens; authenticating a bearer token."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission, User
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
    actor: Actor = SYSTEM,
    now: datetime | None = None,
) -> User:
    """A staff user with an Agent profile; admins may also log in to /admin."""
    now = now or timezone.now()
    if not _USERNAME.match(name):
        raise Invalid("name", "letters, digits and _ . @ + - only, at most 150 characters")
    if role not in Role.values:
        raise Invalid("role", f"expected one of {', '.join(Role.values)}")
    user_model = get_user_model()
    if user_model.objects.filter(username=name).exists():
        raise Invalid("name", f"user {name!r} already exists")
    is_admin = role == Role.ADMIN
    user = user_model.objects.create_user(
        username=name, password=password, is_staff=is_admin, is_superuser=is_admin
    )
    group = Team.objects.get_or_create(name=team)[0] if team else None
    Agent.objects.create(user=user, role=role, team=group)
    if can_import:
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label="accounts", codename="import_history")
        )
    record(actor, "user.create", user, now, role=role, can_import=can_import)
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
    if token.user is not None:
        return staff(token.user) if token.user.is_active else None
    return Actor(contact=token.contact)
