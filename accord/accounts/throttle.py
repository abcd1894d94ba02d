"""Throttling failed logins (django-axes) and failed bearer tokens.

Logins: django-axes counts failures in the database, per account and per
source address separately (`AXES_LOCKOUT_PARAMETERS = ["username",
"ip_address"]`): five failures lock that account from anywhere and that
source for any account, for 15 minutes from the last counted failure. Any login
form that calls `django.contrib.auth.authenticate(request, ...)` is covered
(the desk's, the admin's, the customer portal's); a locked attempt is answered
by `lockout_response`: the view's own response if it marked it with `OWN_PAGE`
(the portal does), else `request.lockout_template` if the view set one (so each
login page keeps its own look), else `accounts/locked_out.html`, with the
instant the lock ends.

Tokens: a wrong bearer token is not a login, so axes does not see it. Each
source gets `TOKEN_FAILURES` wrong tokens per `TOKEN_WINDOW`; past that it is
answered 429 with `Retry-After` until the window ends, before the token is even
looked up. Counters live in Django's cache (a process-local memory cache unless
CACHES says otherwise): enough to slow a 401 storm down, and a lost counter
only lets a few more guesses through, never locks anyone out for good.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

# A login view that renders its own lockout page (the portal's sign-in) marks its
# response with this attribute; `lockout_response` then keeps that page.
OWN_PAGE = "_accord_own_lockout_page"
TOKEN_FAILURES = 20
TOKEN_WINDOW = timedelta(minutes=1)


def client_ip(request: HttpRequest) -> str:
    """The source address: REMOTE_ADDR, or the client as seen by our own proxies.

    With `ACCORD_PROXY_COUNT=N` (N reverse proxies we run in front of the app),
    the address is the Nth entry from the right of X-Forwarded-For: entries
    further left were written by the client and cannot be trusted.
    """
    remote = str(request.META.get("REMOTE_ADDR") or "")
    count = int(getattr(settings, "ACCORD_PROXY_COUNT", 0))
    if count <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
        if part.strip()
    ]
    if len(forwarded) >= count:
        return forwarded[-count]
    return forwarded[0] if forwarded else remote


def lockout_ends(username: str | None, ip: str | None) -> datetime | None:
    """When the lock on this account or source lifts (the later of the two)."""
    from axes.models import AccessAttempt

    match = Q(pk__in=[])
    if username:
        match |= Q(username=username)
    if ip:
        match |= Q(ip_address=ip)
    last = AccessAttempt.objects.filter(match).aggregate(last=Max("attempt_time"))["last"]
    return last + _cooloff() if last else None


def _cooloff() -> timedelta:
    return timedelta(seconds=settings.AXES_COOLOFF_TIME.total_seconds())


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the login page's own lockout page, 429, with the end time."""
    if original_response is not None and getattr(original_response, OWN_PAGE, False):
        return original_response
    from axes.helpers import get_client_username

    username = get_client_username(request, credentials)
    until = lockout_ends(username, client_ip(request)) or timezone.now() + _cooloff()
    template = getattr(request, "lockout_template", "accounts/locked_out.html")
    response = render(
        request,
        template,
        {
            "username": username or "",
            "until": until,
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cooloff_minutes": int(_cooloff().total_seconds() // 60),
        },
        status=429,
    )
    response["Retry-After"] = str(max(1, int((until - timezone.now()).total_seconds())))
    return response


def _token_key(request: HttpRequest) -> str:
    return f"accord:token-failures:{client_ip(request)}"


def token_retry_after(request: HttpRequest) -> int | None:
    """Seconds this source must wait before its next token is even checked, or None."""
    entry = cache.get(_token_key(request))
    if not entry or entry[0] < TOKEN_FAILURES:
        return None
    return max(1, int(entry[1] - timezone.now().timestamp()))


def token_failed(request: HttpRequest) -> None:
    """Count one wrong token from this source (a fixed window from its first failure)."""
    key = _token_key(request)
    now = timezone.now().timestamp()
    count, ends = cache.get(key) or (0, now + TOKEN_WINDOW.total_seconds())
    if ends <= now:
        count, ends = 0, now + TOKEN_WINDOW.total_seconds()
    cache.set(key, (count + 1, ends), timeout=int(ends - now) + 1)
