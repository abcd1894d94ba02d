"""Fixtures of the mail desk tests (tests/notify and tests/worker import the same)."""

from mail.conftest import dovecot, make_folder, smtp_server

from intake.support import cli_desk, mail_desk, mail_settings, seeded_template

__all__ = [
    "cli_desk",
    "dovecot",
    "mail_desk",
    "mail_settings",
    "make_folder",
    "seeded_template",
    "smtp_server",
]
