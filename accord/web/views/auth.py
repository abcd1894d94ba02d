"""Login and logout with Django's auth views and the desk's templates."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse

from accord.accounts import totp
from accord.web.views.totp import begin


class LoginView(auth_views.LoginView):
    """Username and password; an already logged-in user goes straight to the queue.

    A user with a confirmed TOTP device is not logged in here: the code page
    (views/totp.py) does that once the code is right."""

    template_name = "web/login.html"
    redirect_authenticated_user = True
    next_page = "web:queue"  # resolve_url() accepts a URL name

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # django-axes answers a locked-out login with this page (accounts/throttle.py).
        request.lockout_template = "web/locked_out.html"  # type: ignore[attr-defined]
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if totp.device(user) is not None:
            return begin(self.request, user, self.get_success_url())
        return super().form_valid(form)


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5), back to the login page."""

    next_page = "web:login"
