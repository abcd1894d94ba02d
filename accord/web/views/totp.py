"""Two-step login for staff: the code page after the password, and turning TOTP on or off.

The password step (`auth.LoginView`) does not log a user with a confirmed device
in: it puts their id in the session as a pending login (`PENDING`, five minutes)
and sends them here. Only a right code logs them in (`django.contrib.auth.login`,
which also gives the session a new key). So no desk page, and no Django admin
page (its login redirects to ours, accord/urls.py), is reachable on the password
alone.

Wrong codes are failed logins for django-axes (the `user_login_failed` signal
with the account's name), so five wrong passwords or codes in any mix lock the
account for 15 minutes, and the password step cannot be used to reset the count:
axes clears failures only when someone is actually logged in.
"""

from __future__ import annotations

import time
from typing import Any

import segno
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model, login, user_login_failed
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accord.accounts import totp
from accord.accounts.throttle import lockout_response
from accord.errors import DeskError
from accord.web.access import actor_for, staff_required
from accord.web.views.common import page_context

PENDING = "accord_totp_login"
PENDING_SECONDS = 300
ISSUER = "Accord"


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def refused(field: str | None, message: str) -> CodeForm:
    """An empty code form carrying one error (the code is never echoed back)."""
    form = CodeForm()
    form.full_clean()  # unbound: just makes the error dict
    form.cleaned_data = {}
    form.add_error(field, message)
    return form


def begin(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    """The password was right and the user has a device: ask for the code next."""
    request.session[PENDING] = {
        "user": user.pk,
        "backend": getattr(user, "backend", None) or request.session.get(BACKEND_SESSION_KEY),
        "next": next_url,
        "until": time.time() + PENDING_SECONDS,
    }
    return redirect("web:login-code")


def _pending_user(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    state = request.session.get(PENDING)
    if not state or state.get("until", 0) < time.time():
        request.session.pop(PENDING, None)
        return None
    user = get_user_model().objects.filter(pk=state["user"], is_active=True).first()
    return (user, state) if user is not None else None


@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """The second step: a current code of the user's confirmed device."""
    found = _pending_user(request)
    if found is None:
        return redirect("web:login")
    user, state = found
    dev = totp.device(user)
    if dev is None:  # reset by an admin meanwhile: the password was enough
        request.session.pop(PENDING, None)
        login(request, user, backend=state["backend"])
        return redirect(state["next"])
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        credentials = {"username": user.get_username()}
        request.lockout_template = "web/locked_out.html"  # type: ignore[attr-defined]
        if AxesProxyHandler.is_locked(request, credentials):
            request.session.pop(PENDING, None)
            return lockout_response(request, credentials=credentials)
        if form.is_valid() and totp.check(dev, form.cleaned_data["code"]):
            request.session.pop(PENDING, None)
            login(request, user, backend=state["backend"])
            return redirect(state["next"])
        # A failed login for axes: AxesMiddleware answers with the lockout page on the fifth.
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        form = refused("code", "That code is not right, or it was used already. Try the next one.")
        return render(request, "web/login_code.html", {"form": form}, status=400)
    return render(request, "web/login_code.html", {"form": form})


def _qr(user: User, dev: Any) -> str:
    """The otpauth:// URL as an inline SVG image (a data: URI: the CSP allows those)."""
    url = (
        f"otpauth://totp/{ISSUER}:{user.get_username()}?secret={totp.secret(dev)}"
        f"&issuer={ISSUER}&digits={dev.digits}&period={dev.step}"
    )
    return segno.make(url, error="m").svg_data_uri(scale=5, border=2)


def _account_page(request: HttpRequest, form: CodeForm, status: int = 200) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    started = totp.pending(user)
    context = page_context(
        request,
        on=totp.device(user) is not None,
        started=started,
        secret=totp.secret(started) if started else "",
        qr=_qr(user, started) if started else "",
        form=form,
    )
    return render(request, "web/totp.html", context, status=status)


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def account_totp(request: HttpRequest) -> HttpResponse:
    """Turn two-step login on (start, then confirm with a code) or off (with a code).

    Starting again while a key waits for confirmation replaces it with a new one."""
    user = request.user
    assert isinstance(user, User)
    if request.method != "POST":
        return _account_page(request, CodeForm())
    action = request.POST.get("action", "")
    actor = actor_for(request)
    form = CodeForm(request.POST)
    try:
        if action == "start":
            totp.start(user, actor=actor)
            return redirect("web:account-totp")
        if action not in ("confirm", "off"):
            form = refused(None, "action: expected start, confirm or off")
            return _account_page(request, form, status=422)
        code = request.POST.get("code", "")
        (totp.confirm if action == "confirm" else totp.turn_off)(user, code, actor=actor)
    except DeskError as exc:
        form = refused("code" if exc.field == "code" else None, exc.message)
        return _account_page(request, form, status=422)
    return redirect("web:account-totp")
