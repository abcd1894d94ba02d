"""Who is acting: the identity every service call is made on behalf of."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from accord.contracts.models import Contact, Organization


@dataclass(frozen=True)
class Actor:
    """A staff user, a customer contact, or the system itself (neither).

    `can_import` lets the actor give past instants (migrating history);
    customer contacts never can.
    """

    user: User | None = None
    contact: Contact | None = None
    can_import: bool = False
    # The staff user's desk role (agent, manager, admin; accounts.permissions);
    # None for customers, the system, and logins without a desk profile.
    role: str | None = None

    @property
    def is_staff(self) -> bool:
        return self.user is not None

    @property
    def is_customer(self) -> bool:
        return self.contact is not None

    @property
    def organization(self) -> Organization | None:
        """The only organisation a customer may see; None for staff and system."""
        return self.contact.organization if self.contact is not None else None

    @property
    def label(self) -> str:
        if self.user is not None:
            return f"user:{self.user.get_username()}"
        if self.contact is not None:
            return f"contact:{self.contact.pk}"
        return "system"


SYSTEM = Actor()


IMPORT_PERMISSION = "import_history"


def has_import_permission(user: User) -> bool:
    """Granted explicitly (`accord user create --import`, directly or through a group).

    Never implied by a role: `has_perm` answers True for every superuser, and an
    admin is one, so it is not asked.
    """
    if not user.is_active:
        return False
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    granted = Q(user=user) | Q(group__user=user)
    return (
        Permission.objects.filter(content_type__app_label="accounts", codename=IMPORT_PERMISSION)
        .filter(granted)
        .exists()
    )


def desk_role(user: User) -> str | None:
    from accord.accounts.models import Agent

    return Agent.objects.filter(user=user).values_list("role", flat=True).first()


def staff(user: User) -> Actor:
    """The actor for a staff user: its desk role, and the import permission if granted
    explicitly."""
    return Actor(user=user, can_import=has_import_permission(user), role=desk_role(user))


def is_manager(actor: Actor) -> bool:
    """A staff user whose desk role is manager or admin (shared macros, statements)."""
    from accord.accounts.models import Agent, Role

    if actor.user is None:
        return False
    return Agent.objects.filter(user=actor.user, role__in=[Role.MANAGER, Role.ADMIN]).exists()
