"""What every desk command does first: set up Django, and the exit statuses.

Exit statuses: 0 success, 1 a failure the command reports, 75 (EX_TEMPFAIL)
a temporary failure (database or file store unavailable): try again later.
"""

from __future__ import annotations

import os

EX_OK = 0
EX_FAILURE = 1
EX_TEMPFAIL = 75


def django_setup() -> str | None:
    """Set up Django; the error text when that is impossible."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    try:
        import django

        django.setup()
    except Exception as exc:  # ConfigError, ImproperlyConfigured, a broken install
        return f"configuration error: {exc}"
    return None


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
