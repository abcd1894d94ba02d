"""The API object: authentication, routers, and errors as JSON naming the field.

Every error body is `{"detail": message, "field": name-or-null}`; validation
errors add `"errors"`, one entry per problem. Nothing a client sends should
produce a 500.
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from accord.api import alerts, billing, contracts, releases, reports, requests
from accord.api.auth import BearerToken
from accord.errors import DeskError, Throttled
from accord.sla import PolicyError, SlaInputError

logger = logging.getLogger("accord.api")

api = NinjaAPI(
    title="Accord",
    version="1",
    description="A service desk that runs support contracts exactly as written.",
    auth=BearerToken(),
    urls_namespace="api-v1",
)
api.add_router("", contracts.router)
api.add_router("", requests.router)
api.add_router("", billing.router)
api.add_router("", alerts.router)
api.add_router("", reports.router)
api.add_router("", releases.router)

# Parameter containers ninja puts in front of the field's own path.
_CONTAINERS = {"body", "query", "path", "header", "payload", "filters"}


def _field(loc: list[Any]) -> str:
    parts = [str(p) for p in loc]
    while parts and parts[0] in _CONTAINERS:
        parts.pop(0)
    return ".".join(parts) or "body"


def _error(
    request: HttpRequest, status: int, detail: str, field: str | None, **extra: Any
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "field": field, **extra}, status=status)


@api.exception_handler(DeskError)
def desk_error(request: HttpRequest, exc: DeskError) -> HttpResponse:
    response = _error(request, exc.status, exc.message, exc.field)
    if isinstance(exc, Throttled):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(SlaInputError)
def sla_error(request: HttpRequest, exc: SlaInputError) -> HttpResponse:
    return _error(request, 422, exc.message, exc.field)


@api.exception_handler(PolicyError)
def policy_error(request: HttpRequest, exc: PolicyError) -> HttpResponse:
    return _error(request, 422, "; ".join(exc.problems), "policy")


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"field": _field(e.get("loc", [])), "message": e.get("msg", "invalid")} for e in exc.errors
    ]
    first = errors[0] if errors else {"field": "body", "message": "invalid"}
    return _error(
        request, 422, f"{first['field']}: {first['message']}", first["field"], errors=errors
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "a valid bearer token is required", "Authorization")


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja raises a 400 HttpError for a body that is not JSON.
    return _error(request, exc.status_code, str(exc), "body" if exc.status_code == 400 else None)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not found", None)


@api.exception_handler(Exception)
def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug, not the client's fault: logged with its traceback, answered as JSON."""
    logger.exception("unexpected error on %s %s", request.method, request.path)
    return _error(request, 500, "internal error; it has been logged", None)
