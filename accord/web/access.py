"""Who may use the web UI: logged-in staff with a desk profile (an `Agent`).

Customers have no web login (they use the API with a contact-scoped token or
email), so every page here is staff-only. A Django user without an `Agent`
profile (e.g. one made with `createsuperuser`) is refused with 403 rather than
shown a desk it has no role in. The report is for managers and admins.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse_lazy

from accord.accounts.actor import Actor, staff
from accord.accounts.models import Agent, Role
from accord.accounts.permissions import may

View = Callable[..., HttpResponse]


def agent_of(request: HttpRequest) -> Agent | None:
    """The logged-in user's desk profile, or None; read once per HTTP request (the
    access check and the page's links both ask)."""
    user = request.user
    if not user.is_authenticated or not user.is_active:
        return None
    if not hasattr(request, "_accord_agent"):
        request._accord_agent = Agent.objects.filter(user=user).first()  # type: ignore[attr-defined]
    agent: Agent | None = request._accord_agent  # type: ignore[attr-defined]
    return agent


def actor_for(request: HttpRequest) -> Actor:
    """The service actor for the logged-in staff user (with import permission if granted);
    made once per HTTP request."""
    if not request.user.is_authenticated:
        raise PermissionDenied("not logged in")
    if not hasattr(request, "_accord_actor"):
        request._accord_actor = staff(request.user)  # type: ignore[attr-defined]
    actor: Actor = request._accord_actor  # type: ignore[attr-defined]
    return actor


def is_manager(agent: Agent | None) -> bool:
    return agent is not None and agent.role in (Role.MANAGER, Role.ADMIN)


def staff_required(view: View) -> View:
    """Login required (redirect to the login page), then an Agent profile (403)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if agent_of(request) is None:
            raise PermissionDenied("this login has no desk profile (agent, manager or admin)")
        return view(request, *args, **kwargs)

    return login_required(wrapped, login_url=reverse_lazy("web:login"))


def manager_required(view: View) -> View:
    """Like `staff_required`, and the role must be manager or admin."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_manager(agent_of(request)):
            raise PermissionDenied("the report is for managers and admins")
        return view(request, *args, **kwargs)

    return staff_required(wrapped)


def permission_required(permission: str) -> Callable[[View], View]:
    """Like `staff_required`, and the desk role must hold `permission`
    (accord.accounts.permissions, the table in docs/roles.md): 403 naming it."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not may(actor_for(request), permission):
                raise PermissionDenied(f"this page needs the {permission} permission")
            return view(request, *args, **kwargs)

        return staff_required(wrapped)

    return decorator


def is_admin(agent: Agent | None) -> bool:
    return agent is not None and agent.role == Role.ADMIN


def admin_required(view: View) -> View:
    """Like `staff_required`, and the role must be admin (the desk's administration pages)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_admin(agent_of(request)):
            raise PermissionDenied("the administration pages are for admins")
        return view(request, *args, **kwargs)

    return staff_required(wrapped)
