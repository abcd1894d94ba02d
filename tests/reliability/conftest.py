"""Fixtures of the failure-mode tests: the mail desk's, the desk's, and a small tmpfs."""

from desk.conftest import api_as, clock, desk
from intake.support import cli_desk, mail_desk, mail_settings, seeded_template

__all__ = ["api_as", "cli_desk", "clock", "desk", "mail_desk", "mail_settings", "seeded_template"]
