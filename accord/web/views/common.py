"""Helpers shared by the views: htmx detection and the page context."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accord.accounts.permissions import BILLING, role_may
from accord.web.access import agent_of, is_admin, is_manager
from accord.web.mail_intake import mail_intake


def is_htmx(request: HttpRequest) -> bool:
    """True for requests made by htmx (they get a fragment, not a whole page)."""
    return request.headers.get("HX-Request") == "true"


def page_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    """What every page's layout needs: who is logged in and which links to show."""
    agent = agent_of(request)
    return {
        "agent": agent,
        "show_report": is_manager(agent),
        "show_manage": is_admin(agent),
        # From the profile in hand: the page costs no query more (tests/desk/test_listing.py).
        "show_billing": agent is not None and role_may(agent.role, BILLING),
        "mail_intake": mail_intake(request.user, agent),
        **extra,
    }
