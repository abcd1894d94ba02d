"""The API object: authentication, routers, and errors as JSON naming the field.

Every error body is `{"detail": message, "field": name-or-null}`; validation
errors add `"errors"`, one entry per problem. Nothing a client sends should
produce a 500.
"""

from __future__ import annotations

import logging
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from accord.api import (
    alerts,
    billing,
    configuration,
    contracts,
    oncall,
    releases,
    reports,
    requests,
    triage,
)
from accord.api.auth import BearerToken
from accord.errors import DeskError, Throttled
from accord.sla import PolicyError, SlaInputError

logger = logging.getLogger("accord.api")


class LoneSurrogate:
    """Stands in for a string with a lone surrogate: no field type accepts it, so the
    validation error names the field (ninja turns a parser's own error into a 400)."""


SURROGATE_MESSAGE = "contains a lone surrogate escape (e.g. \\ud800), which is not text"


def _without_surrogates(value: Any, path: str, found: list[str]) -> Any:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            found.append(path or "body")
            return LoneSurrogate()
        return value
    if isinstance(value, dict):
        return {
            k: _without_surrogates(v, f"{path}.{k}" if path else str(k), found)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [
            _without_surrogates(v, f"{path}.{i}" if path else str(i), found)
            for i, v in enumerate(value)
        ]
    return value


class StrictJson(Parser):
    """JSON bodies whose text is valid Unicode: no database can store a lone surrogate."""

    def parse_body(self, request: HttpRequest) -> Any:
        found: list[str] = []
        data = _without_surrogates(super().parse_body(request), "", found)
        cast(Any, request).accord_surrogates = found
        return data


api = NinjaAPI(
    title="Accord",
    version="1",
    description="A service desk that runs support contracts exactly as written.",
    auth=BearerToken(),
    urls_namespace="api-v1",
    parser=StrictJson(),
)
api.add_router("", contracts.router)
api.add_router("", requests.router)
api.add_router("", billing.router)
api.add_router("", alerts.router)
api.add_router("", oncall.router)
api.add_router("", reports.router)
api.add_router("", configuration.router)
api.add_router("", releases.router)
api.add_router("", triage.router)

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
    surrogates = set(getattr(request, "accord_surrogates", ()))
    errors = [
        {
            "field": (name := _field(e.get("loc", []))),
            "message": SURROGATE_MESSAGE if name in surrogates else e.get("msg", "invalid"),
        }
        for e in exc.errors
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


@api.exception_handler(RequestDataTooBig)
def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return _error(request, 413, f"the body is larger than {limit} bytes", "body")


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def database_down(request: HttpRequest, exc: Exception) -> HttpResponse:
    """The database is unreachable: not the client's fault, and worth a retry."""
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    logger.warning("database unavailable on %s %s: %s", request.method, request.path, first)
    response = _error(request, 503, "the database is unavailable; try again shortly", None)
    response["Retry-After"] = "30"
    return response


@api.exception_handler(Exception)
def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug, not the client's fault: logged with its traceback, answered as JSON."""
    logger.exception("unexpected error on %s %s", request.method, request.path)
    return _error(request, 500, "internal error; it has been logged", None)
