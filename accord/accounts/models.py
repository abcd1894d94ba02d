"""Agents, teams and API tokens.

Staff are Django users with an `Agent` profile carrying their desk role.
A token belongs either to a staff user (sees every organisation) or to a
customer contact (sees only that contact's organisation).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    AGENT = "agent", "Agent"
    MANAGER = "manager", "Manager"
    ADMIN = "admin", "Administrator"


class Team(models.Model):
    name = models.CharField(max_length=100, unique=True)

    def __str__(self) -> str:
        return self.name


class Agent(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.AGENT)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        permissions = [
            (
                "import_history",
                "May give past instants (received, at) to migrate history from another desk",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.role})"


class ApiToken(models.Model):
    """A bearer token; only its SHA-256 is stored, the secret is shown once."""

    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12, help_text="first characters, to recognise a token")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )
    contact = models.ForeignKey(
        "contracts.Contact", null=True, blank=True, on_delete=models.CASCADE
    )
    created = models.DateTimeField()
    revoked = models.DateTimeField(null=True, blank=True)
    # Refreshed at most once a minute (accounts.services.authenticate), not per request.
    last_used = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="token_has_exactly_one_owner",
                condition=(
                    models.Q(user__isnull=False, contact__isnull=True)
                    | models.Q(user__isnull=True, contact__isnull=False)
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}…"
