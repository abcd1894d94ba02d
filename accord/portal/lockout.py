"""The lockout answer django-axes gives after 5 failed sign-ins (settings.AXES_*).

The portal's sign-in view renders its own page (with the time the lockout
ends) and marks it; that page is kept. Any other sign-in (the staff desk, the
admin) gets a plain 429 saying the same in one line.
"""

from __future__ import annotations

from datetime import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max
from django.http import HttpRequest, HttpResponse

PORTAL_PAGE = "_accord_portal_lockout"


def locked_until(username: str) -> datetime | None:
    """When the lockout of this user name ends: the last failure plus the cool-off."""
    last = AccessAttempt.objects.filter(username=username).aggregate(at=Max("attempt_time"))["at"]
    return None if last is None else last + settings.AXES_COOLOFF_TIME


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    if original_response is not None and getattr(original_response, PORTAL_PAGE, False):
        return original_response
    username = str((credentials or {}).get("username") or request.POST.get("username", ""))
    until = locked_until(username)
    when = f" until {until:%Y-%m-%d %H:%M} UTC" if until is not None else ""
    return HttpResponse(
        f"Too many failed sign-ins: this account is locked{when}.\n",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
