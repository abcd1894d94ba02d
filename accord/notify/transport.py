"""Transports: one class per channel; SMTP for email.

`build_email(row)` turns an outbox row into an RFC 5322 message with our
threading headers. `SmtpTransport.send` hands it to the server named by
ACCORD_SMTP_URL and raises `TemporaryError` (try again later: 4xx replies,
connection failures, timeouts) or `PermanentError` (5xx: the server will
never take it).
"""

from __future__ import annotations

import smtplib
import ssl
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses
from typing import Protocol

from accord.intake.config import SmtpSettings
from accord.notify.models import Outbox


class TemporaryError(Exception):
    """The mail may go through on a later attempt."""


class PermanentError(Exception):
    """The mail will never go through as it is."""


class Transport(Protocol):
    def send(self, row: Outbox) -> None: ...


def envelope_sender(row: Outbox) -> str:
    return getaddresses([row.from_email])[0][1]


def build_email(row: Outbox) -> EmailMessage:
    msg = EmailMessage()
    name, addr = getaddresses([row.from_email])[0]
    msg["From"] = str(Address(display_name=name, addr_spec=addr)) if name else addr
    msg["To"] = row.to_email
    if row.cc:
        msg["Cc"] = row.cc
    msg["Subject"] = row.subject
    msg["Date"] = format_datetime(row.created)
    msg["Message-ID"] = f"<{row.message_id}>"
    if row.in_reply_to:
        msg["In-Reply-To"] = f"<{row.in_reply_to}>"
    if row.references:
        msg["References"] = row.references
    if row.automated:
        # RFC 3834: an automatic response; well-behaved responders do not answer it.
        msg["Auto-Submitted"] = "auto-replied"
        msg["X-Auto-Response-Suppress"] = "All"
    msg.set_content(row.body_text)
    msg.add_alternative(row.body_html, subtype="html")
    return msg


def recipients(row: Outbox) -> list[str]:
    """The envelope recipients: To, then every Cc."""
    return [row.to_email] + [a.strip() for a in row.cc.split(",") if a.strip()]


class SmtpTransport:
    """Sends through one SMTP server; a new connection per call keeps failures isolated."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        conn: smtplib.SMTP
        if s.security == "ssl":
            conn = smtplib.SMTP_SSL(
                s.host, s.port, timeout=s.timeout, context=ssl.create_default_context()
            )
        else:
            conn = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            if s.security == "starttls":
                conn.starttls(context=ssl.create_default_context())
        if s.username:
            conn.login(s.username, s.password or "")
        return conn

    def check(self, to: str | None = None, sender: str = "") -> str:
        """Connect, log in and say NOOP (and send a short test message to `to`).

        Returns the server's answer; raises TemporaryError with the reason otherwise.
        """
        try:
            conn = self._connect()
            try:
                code, text = conn.noop()
                if to:
                    msg = EmailMessage()
                    msg["From"] = sender
                    msg["To"] = to
                    msg["Subject"] = "Accord SMTP test"
                    msg.set_content("This message was sent by `accord mail test-smtp`.")
                    conn.send_message(msg)
            finally:
                conn.quit()
        except smtplib.SMTPException as exc:
            raise TemporaryError(str(exc) or type(exc).__name__) from None
        except OSError as exc:
            raise TemporaryError(
                f"cannot connect to {self.settings.host}:{self.settings.port}: {exc}"
            ) from None
        return f"{code} {text.decode('utf-8', 'replace')}"

    def send(self, row: Outbox) -> None:
        msg = build_email(row)
        try:
            conn = self._connect()
        except smtplib.SMTPAuthenticationError as exc:
            raise TemporaryError(
                f"SMTP login refused: {exc.smtp_code} {exc.smtp_error!r}"
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise TemporaryError(
                f"cannot connect to {self.settings.host}:{self.settings.port}: {exc}"
            ) from None
        try:
            conn.send_message(msg, from_addr=envelope_sender(row), to_addrs=recipients(row))
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            error = f"{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}"
            raise (PermanentError if code >= 500 else TemporaryError)(error) from None
        except smtplib.SMTPResponseException as exc:
            error = f"{exc.smtp_code} {exc.smtp_error!r}"
            raise (PermanentError if exc.smtp_code >= 500 else TemporaryError)(error) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise TemporaryError(str(exc) or type(exc).__name__) from None
        finally:
            try:
                conn.quit()
            except (smtplib.SMTPException, OSError):
                conn.close()


def default_transport() -> Transport | None:
    """The transport for ACCORD_SMTP_URL, or None when it is not set."""
    from accord.intake.identity import mail_config

    smtp = mail_config().smtp
    return SmtpTransport(smtp) if smtp is not None else None
