"""What the email channel asks of the outbox, without importing it.

intake and notify share a layer, and notify reads intake's mail identity,
support addresses, raw mail and participants; so intake must not import notify
back (tests/test_layers.py forbids the cycle). The four things intake needs of
the outbound side are this protocol. accord.notify provides it when Django
starts (`NotifyConfig.ready` registers accord.notify.for_intake.OutboxForIntake);
calls run in the caller's transaction, as a direct call would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from accord.intake.models import RawMessage
    from accord.tickets.models import Message, Request


@dataclass(frozen=True)
class SentMail:
    """A mail the desk sent, found by its Message-ID."""

    request: Request | None  # None: a notice about no request (an update reminder)
    to_email: str
    kind: str  # for people: "agent reply", "acknowledgement", ...


class Outbound(Protocol):
    def queue(self, message: Message, now: datetime, raws: list[RawMessage], new: bool) -> None:
        """Queue the mail of a desk message (the acknowledgement) in this transaction."""

    def queue_notice(
        self, request: Request, *, key: str, to: str, template: str, context: dict[str, Any],
        now: datetime,
    ) -> None:  # fmt: skip
        """Queue an automated notice with no desk message, once per `key`."""

    def find_sent(self, message_id: str) -> SentMail | None:
        """The mail we sent with this Message-ID (threading, bounces)."""

    def mark_bounced(self, message_id: str, reason: str) -> None:
        """Record that the mail with this Message-ID bounced."""


_provider: Outbound | None = None


def register(provider: Outbound) -> None:
    global _provider
    _provider = provider


def outbound() -> Outbound:
    if _provider is None:
        raise RuntimeError("no outbound provider: is accord.notify in INSTALLED_APPS?")
    return _provider
