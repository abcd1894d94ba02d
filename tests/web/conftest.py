"""Fixtures for the web UI: the desk's shared personas, logged-in browsers, requests.

The personas and the frozen clock are the desk suite's fixtures (`desk`,
`clock` from tests/desk/conftest.py, personas in tests/desk/personas.py), built
through the services with the clock on Fri 2026-11-20 16:30 in Wellington. Web
logins: `lead` (admin), `agent` (agent) and `mia` (manager, with a password,
for the real login form).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from desk import conftest as desk_suite
from desk.conftest import FrozenClock
from desk.personas import Desk
from django.contrib.auth.models import User
from django.test import Client

from accord.accounts import services as accounts
from accord.tickets import intake
from accord.tickets.models import Request

PASSWORD = "correct horse battery staple"

# The desk suite's fixtures, shared rather than copied.
clock = desk_suite.clock
desk = desk_suite.desk


@pytest.fixture
def manager(desk: Desk, clock: FrozenClock) -> User:
    return accounts.create_user("mia", role="manager", password=PASSWORD, now=clock.at)


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def agent_client(desk: Desk) -> Client:
    assert desk.agent.user is not None
    return login(desk.agent.user)


@pytest.fixture
def manager_client(manager: User) -> Client:
    return login(manager)


OpenRequest = Callable[..., Request]


@pytest.fixture
def open_req(desk: Desk, clock: FrozenClock) -> OpenRequest:
    """Open a request through the service as the lead; keyword arguments override."""

    def make(received: datetime | None = None, **kwargs: object) -> Request:
        fields: dict[str, object] = {
            "contact": desk.mere.pk,
            "channel": "email",
            "level": "urgent",
            "subject": "Payments page is down",
            "description": "Customers cannot pay since 16:00.",
        }
        fields.update(kwargs)
        return intake.open_request(desk.lead, received=received, now=clock.at, **fields)  # type: ignore[arg-type]

    return make
