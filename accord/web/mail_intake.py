"""The "Mail intake" indicator: how many raw messages wait in quarantine.

Managers and admins see the count in the top bar. A quarantined message is
retried from the Django admin (Mail intake › Raw messages, action "retry"),
so the count links to that changelist, filtered to the quarantine, for users
the admin lets in (staff with the view permission: the desk's admins). A
manager without admin access sees the count and who can act on it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, PermissionsMixin
from django.urls import reverse

from accord.accounts.models import Agent
from accord.intake.models import RawMessage
from accord.web.access import is_manager


@dataclass(frozen=True)
class MailIntake:
    quarantined: int
    admin_url: str  # "" when this user cannot open the admin's changelist


def _may_use_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    """What the admin site itself requires: active staff with the view permission."""
    if not isinstance(user, PermissionsMixin) or not user.is_active:
        return False
    return bool(getattr(user, "is_staff", False)) and user.has_perm("intake.view_rawmessage")


def mail_intake(user: AbstractBaseUser | AnonymousUser, agent: Agent | None) -> MailIntake | None:
    """The indicator for managers and admins; None for everyone else."""
    if not is_manager(agent):
        return None
    count = RawMessage.objects.filter(state=RawMessage.State.QUARANTINED).count()
    url = ""
    if _may_use_admin(user):
        changelist = reverse("admin:intake_rawmessage_changelist")
        url = f"{changelist}?state__exact={RawMessage.State.QUARANTINED}"
    return MailIntake(count, url)
