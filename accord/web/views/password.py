"""Staff password change and reset: Django's auth views and forms, our services.

The forms are Django's (so the configured AUTH_PASSWORD_VALIDATORS run and the
reset tokens are Django's); only `save` differs: a new password goes through
`accounts.set_password` (audited), and the reset mail is queued in the outbox
(`notify.staff_password`) for the worker to send, instead of `send_mail`.
Only staff (users with a desk profile) get a reset mail; an unknown address
gets the same answer as a known one, so the page tells no one who has a login.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.urls import reverse_lazy

from accord.accounts import services as accounts
from accord.accounts.actor import staff
from accord.accounts.models import Agent
from accord.notify.staff_password import queue_password_reset
from accord.web.views.common import page_context

TEMPLATE = "web/password.html"


def _save_password(user: User, password: str) -> User:
    """The validators already ran in the form; the service runs them again and audits.

    The form's user takes the new hash too: the change view keeps this session
    logged in with it (`update_session_auth_hash`), while other sessions end."""
    saved = accounts.set_password(user.get_username(), password, actor=staff(user))
    user.password = saved.password
    return user


class ChangeForm(auth_forms.PasswordChangeForm):
    def save(self, commit: bool = True) -> Any:
        return _save_password(self.user, self.cleaned_data["new_password1"])


class SetForm(auth_forms.SetPasswordForm):  # type: ignore[type-arg]
    def save(self, commit: bool = True) -> Any:
        return _save_password(self.user, self.cleaned_data["new_password1"])


class ResetForm(auth_forms.PasswordResetForm):
    def save(self, *args: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:  # type: ignore[override]
        assert request is not None
        base_url = request.build_absolute_uri("/")
        for user in self.get_users(self.cleaned_data["email"]):
            if Agent.objects.filter(user=user).exists():
                queue_password_reset(user, base_url=base_url)


class DeskPage:
    """The desk's layout context (who is logged in, which links to show)."""

    request: HttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return page_context(self.request, **super().get_context_data(**kwargs))  # type: ignore[misc]


class PasswordChangeView(DeskPage, auth_views.PasswordChangeView):
    form_class = ChangeForm
    template_name = TEMPLATE
    success_url = reverse_lazy("web:password-change-done")
    extra_context = {"step": "change"}


class PasswordChangeDoneView(DeskPage, auth_views.PasswordChangeDoneView):
    template_name = TEMPLATE
    extra_context = {"step": "change-done"}


class PasswordResetView(DeskPage, auth_views.PasswordResetView):
    form_class = ResetForm
    template_name = TEMPLATE
    success_url = reverse_lazy("web:password-reset-done")
    extra_context = {"step": "reset"}


class PasswordResetDoneView(DeskPage, auth_views.PasswordResetDoneView):
    template_name = TEMPLATE
    extra_context = {"step": "reset-done"}


class PasswordResetConfirmView(DeskPage, auth_views.PasswordResetConfirmView):
    form_class = SetForm
    template_name = TEMPLATE
    success_url = reverse_lazy("web:password-reset-complete")
    extra_context = {"step": "reset-confirm"}


class PasswordResetCompleteView(DeskPage, auth_views.PasswordResetCompleteView):
    template_name = TEMPLATE
    extra_context = {"step": "reset-complete"}
