"""Mail about a portal account (invitation, reset, sign-in link), sent at once.

These mails belong to no request, so they do not go through the request outbox
(`accord.notify.models.Outbox`, one row per request mail). They are sent
synchronously after the service's transaction committed, through the same SMTP
transport, like Django's own password reset: whoever asked sees at once whether
the mail went, and can ask again (docs/portal.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone

from accord.intake.identity import mail_config, own_mail
from accord.notify.models import Outbox
from accord.notify.transport import PermanentError, TemporaryError, default_transport


class MailNotSent(Exception):
    """The mail could not be handed to the SMTP server; the message says why."""


@dataclass(frozen=True)
class AccountMail:
    to: str
    template: str  # portal/mail/<template>.txt
    context: dict[str, object]

    def subject(self) -> str:
        return str(self.context["subject"])


def send(mail: AccountMail, now: datetime | None = None) -> None:
    """Hand the mail to ACCORD_SMTP_URL's server; MailNotSent when it cannot."""
    transport = default_transport()
    if transport is None:
        raise MailNotSent("outbound mail is not configured (ACCORD_SMTP_URL)")
    body = render_to_string(f"portal/mail/{mail.template}.txt", mail.context).strip() + "\n"
    # An unsaved outbox row is the transport's input shape; it is never stored.
    row = Outbox(
        kind=Outbox.Kind.NOTICE,
        automated=True,
        from_email=f"Support <{mail_config().default_from}>",
        to_email=mail.to,
        subject=mail.subject(),
        message_id=own_mail().make_message_id(),
        body_text=body,
        body_html=render_to_string("portal/mail/wrap.html", {"body": body}),
        created=now or timezone.now(),
    )
    try:
        transport.send(row)
    except (TemporaryError, PermanentError) as exc:
        raise MailNotSent(f"the mail to {mail.to} could not be sent: {exc}") from None
