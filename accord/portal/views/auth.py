"""Signing in and out, choosing a password, reset and sign-in links by mail."""

from __future__ import annotations

from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accord.errors import DeskError
from accord.portal import accounts, mail
from accord.portal.access import account_of
from accord.portal.lockout import PORTAL_PAGE, locked_until
from accord.portal.tokens import sign_in_tokens
from accord.portal.views.common import base_url, page


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/portal/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return target
    return reverse("portal:requests")


@require_http_methods(["GET", "POST"])
def login_page(request: HttpRequest) -> HttpResponse:
    if request.method == "GET" and account_of(request) is not None:
        return HttpResponseRedirect(_next(request))
    staff = request.user.is_authenticated and account_of(request) is None
    context: dict[str, object] = {"next": _next(request), "staff": staff, "notice": ""}
    if request.GET.get("done") == "password":
        context["notice"] = "Your password is set. Sign in with it now."
    if request.method == "POST":
        email = request.POST.get("email", "").strip()
        context["email"] = email
        user = authenticate(
            request,
            username=accounts.username_for(email),
            password=request.POST.get("password", ""),
        )
        if getattr(request, "axes_locked_out", False):
            until = locked_until(accounts.username_for(email))
            context["locked_until"] = until
            response = page(request, "login.html", context, status=429)
            setattr(response, PORTAL_PAGE, True)
            return response
        if user is not None and hasattr(user, "portal_account"):
            if not user.portal_account.contact.active:  # deactivated contact or organisation
                context["error"] = (
                    "This portal account is no longer active. Write to support by email "
                    "if you still need help."
                )
                return page(request, "login.html", context, status=403)
            login(request, user)
            return HttpResponseRedirect(_next(request))
        context["error"] = "The email address or the password is not right."
        return page(request, "login.html", context, status=400)
    return page(request, "login.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponseRedirect(reverse("portal:login"))


@require_http_methods(["GET", "POST"])
def forgot(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link, or (`kind=link`) a one-time sign-in link, by mail."""
    kind = request.POST.get("kind") or request.GET.get("kind") or "reset"
    context: dict[str, object] = {"kind": kind}
    if request.method == "POST":
        email = request.POST.get("email", "").strip()
        ask = accounts.request_sign_in_link if kind == "link" else accounts.request_reset
        found = ask(email, base_url=base_url(request))
        if found is not None:
            try:
                mail.send(found)
            except mail.MailNotSent as exc:
                context["error"] = f"{exc}. Please try again later."
                return page(request, "forgot.html", context, status=503)
        context["sent"] = email
    return page(request, "forgot.html", context)


@require_http_methods(["GET", "POST"])
def set_password(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    account = accounts.account_from_uid(uidb64)
    context: dict[str, object] = {"target": account}
    if account is None or not accounts.password_tokens.check_token(account.user, token):
        return page(request, "set_password.html", {"expired": True}, status=400)
    if request.method == "POST":
        try:
            accounts.set_password(
                account, token, request.POST.get("password1", ""), request.POST.get("password2", "")
            )
        except DeskError as exc:
            context["error"] = exc
            return page(request, "set_password.html", context, status=exc.status)
        return HttpResponseRedirect(reverse("portal:login") + "?done=password")
    return page(request, "set_password.html", context)


@require_http_methods(["GET", "POST"])
def sign_in_link(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """GET shows a button (so a mail scanner following the link uses nothing); POST signs in."""
    account = accounts.account_from_uid(uidb64)
    if (
        account is None
        or not account.contact.active
        or not sign_in_tokens.check_token(account.user, token)
    ):
        return page(request, "sign_in_link.html", {"expired": True}, status=400)
    if request.method == "POST":
        login(request, account.user, backend="django.contrib.auth.backends.ModelBackend")
        return HttpResponseRedirect(reverse("portal:requests"))
    return page(request, "sign_in_link.html", {"email": account.email})
