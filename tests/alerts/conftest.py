"""Fixtures of the alerting tests: the desk personas and clock, an SMTP sink, a receiver.

Staff get alert addresses: `agent` (tier1) and a manager `boss`. Webhooks to the
loopback receiver need ACCORD_WEBHOOK_ALLOW_PRIVATE, set here as a test install would.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from desk import conftest as desk_suite
from intake.support import cli_desk, seeded_template
from mail.conftest import smtp_server

from accord.accounts import services as accounts

from .receiver import Receiver, serve

clock = desk_suite.clock
api_as = desk_suite.api_as

__all__ = ["api_as", "cli_desk", "clock", "seeded_template", "smtp_server"]


@pytest.fixture
def alerts_settings(settings: Any) -> Any:
    settings.ACCORD_ALERTS = dataclasses.replace(
        settings.ACCORD_ALERTS, webhook_allow_private=True, base_url="https://desk.example"
    )
    return settings


@pytest.fixture
def desk(db: None, clock: Any, alerts_settings: Any) -> Any:
    built = desk_suite.build_desk(clock.at)
    accounts.set_email("agent", "agent@desk.example")
    accounts.create_user("boss", role="manager", email="boss@desk.example", now=clock.at)
    return built


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    yield from serve()
