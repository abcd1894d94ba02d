"""Fixtures of the failure-mode tests: the mail desk's, the desk's, and an open request."""

import pytest
from desk.conftest import api_as, clock, desk
from intake.support import cli_desk, mail_desk, mail_settings, seeded_template

GOOD = {"channel": "email", "level": "urgent", "subject": "S", "description": "D"}


@pytest.fixture
def number(desk, api_as):
    """An open request of Kiwi's, opened by the agent now."""
    r = api_as(desk.agent_token).post("/requests", {**GOOD, "contact": desk.mere.pk})
    assert r.status_code == 201, r.content
    return r.json()["number"]


__all__ = [
    "api_as",
    "cli_desk",
    "clock",
    "desk",
    "mail_desk",
    "mail_settings",
    "number",
    "seeded_template",
]
