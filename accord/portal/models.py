"""A contact's portal login: one Django user per invited contact.

The Django user carries the password (hashed by Django) and the sign-in
bookkeeping (`last_login`), which makes invitation, reset and sign-in links
one-time (accord.portal.tokens). It never has a desk profile (`Agent`) nor
staff rights, so it opens no staff page; a staff user has no `PortalAccount`,
so it opens no portal page.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

USERNAME_PREFIX = "portal:"


class PortalAccount(models.Model):
    contact = models.OneToOneField(
        "contracts.Contact", on_delete=models.CASCADE, related_name="portal_account"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_account"
    )
    email = models.EmailField(unique=True, help_text="the sign-in name, lower case")
    feed_key = models.CharField(
        max_length=64, unique=True, help_text="the secret in the private calendar address"
    )
    invited_at = models.DateTimeField()
    invited_by = models.CharField(max_length=200)
    activated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.email
