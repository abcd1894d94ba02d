"""Fixtures of the mail desk tests, shared with tests/notify and tests/worker."""

from intake.support import cli_desk, mail_desk, mail_settings, seeded_template
from mail.conftest import dovecot, smtp_server

__all__ = ["cli_desk", "dovecot", "mail_desk", "mail_settings", "seeded_template", "smtp_server"]
