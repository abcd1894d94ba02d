"""Errors the desk's services raise; each names the offending input field.

The API maps them to HTTP statuses (`status`), the CLI prints them and exits 1.
Raising one inside a service's atomic block rolls back everything it wrote.
"""

from __future__ import annotations


class DeskError(Exception):
    status = 400

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class Invalid(DeskError):
    """The input is malformed or breaks a rule of the policy."""

    status = 422


class UnknownParameter(DeskError):
    """A query parameter the endpoint does not take (a typo would otherwise be ignored)."""

    status = 400


class NotFound(DeskError):
    """No such object, or not one the actor may see (the two look the same)."""

    status = 404


class Forbidden(DeskError):
    """The actor may see the object but not do this to it."""

    status = 403


class Conflict(DeskError):
    """The request's current state does not allow the change (e.g. a status move)."""

    status = 409


class Throttled(DeskError):
    """Too many failed attempts from this source; try again after `retry_after` seconds."""

    status = 429

    def __init__(self, field: str, message: str, retry_after: int) -> None:
        super().__init__(field, message)
        self.retry_after = retry_after
