"""One-time links: invitation and reset (72 hours), sign-in by mail (30 minutes).

Django's `PasswordResetTokenGenerator` signs the user's id, password hash,
last sign-in and a timestamp. Setting a password changes the hash and signing in
changes `last_login`, so each link works once. The salts keep the two kinds
apart: a sign-in link cannot set a password, nor the other way round.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import User
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.http import base36_to_int

SIGN_IN_VALID = timedelta(minutes=30)


class PasswordTokens(PasswordResetTokenGenerator):
    """Invitation and reset links; valid PASSWORD_RESET_TIMEOUT (72 hours)."""

    key_salt = "accord.portal.tokens.PasswordTokens"


class SignInTokens(PasswordResetTokenGenerator):
    """Sign-in links; valid SIGN_IN_VALID, and only until the next sign-in."""

    key_salt = "accord.portal.tokens.SignInTokens"

    def check_token(self, user: User | None, token: str | None) -> bool:
        if not super().check_token(user, token) or token is None:
            return False
        issued = base36_to_int(token.split("-")[0])
        return self._num_seconds(self._now()) - issued <= SIGN_IN_VALID.total_seconds()


password_tokens = PasswordTokens()
sign_in_tokens = SignInTokens()
