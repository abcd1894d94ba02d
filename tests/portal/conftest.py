"""Fixtures for the portal: the desk's personas, a real SMTP sink, signed-in contacts.

Mail goes to an aiosmtpd server on a free loopback port (the mail suite's
`smtp_server`); `inbox` reads what arrived and finds the links in it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from desk import conftest as desk_suite
from desk.personas import Desk
from django.test import Client
from mail.conftest import SmtpServer
from mail.conftest import smtp_server as mail_smtp_server

from accord.contracts.models import Contact
from accord.intake.config import SmtpSettings
from accord.portal import accounts, mail
from accord.portal.models import PortalAccount

PASSWORD = "quiet meadow lantern 42"
clock = desk_suite.clock
desk = desk_suite.desk
smtp_server = mail_smtp_server
LINK = re.compile(r"https?://\S+/portal/\S+/")


@pytest.fixture
def smtp(settings: Any, smtp_server: SmtpServer) -> SmtpServer:
    """Outbound mail (ACCORD_SMTP_URL) pointed at the sink."""
    settings.ACCORD_MAIL = dataclasses.replace(
        settings.ACCORD_MAIL,
        smtp=SmtpSettings("127.0.0.1", smtp_server.port, None, None, "plain", timeout=10),
    )
    return smtp_server


def received(server: SmtpServer) -> list[EmailMessage]:
    return [
        message_from_bytes(raw, policy=policy.default)  # type: ignore[misc]
        for _, _, raw in server.messages
    ]


def text_of(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def last_link(server: SmtpServer, to: str) -> str:
    """The portal link in the latest mail to `to`."""
    for msg in reversed(received(server)):
        if msg["To"] == to:
            found = LINK.findall(text_of(msg))
            assert found, text_of(msg)
            return str(found[0])
    raise AssertionError(f"no mail to {to}")


def activate(desk: Desk, contact: Contact, password: str = PASSWORD) -> PortalAccount:
    """An invited contact who chose a password (through the services, no mail)."""
    account, _mail = accounts.invite(desk.lead, contact.pk, base_url="http://testserver")
    token = accounts.password_tokens.make_token(account.user)
    accounts.set_password(account, token, password, password)
    account.refresh_from_db()
    return account


def signed_in(account: PortalAccount) -> Client:
    client = Client()
    client.force_login(account.user)
    return client


SignedIn = Callable[[Contact], Client]


@pytest.fixture
def portal(desk: Desk) -> SignedIn:
    def make(contact: Contact) -> Client:
        return signed_in(activate(desk, contact))

    return make


__all__ = ["mail", "PASSWORD"]
