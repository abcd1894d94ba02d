"""Bearer-token authentication; `request.auth` becomes the acting `Actor`."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from ninja.security import HttpBearer

from accord.accounts.actor import Actor
from accord.accounts.services import authenticate


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        return authenticate(token)


def actor_of(request: HttpRequest) -> Actor:
    return cast(Actor, cast(Any, request).auth)
