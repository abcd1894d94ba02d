"""Bearer-token authentication; `request.auth` becomes the acting `Actor`.

A source that sends too many wrong tokens is answered 429 (with Retry-After)
before its tokens are looked up: see accord/accounts/throttle.py.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from ninja.security import HttpBearer

from accord.accounts import throttle
from accord.accounts.actor import Actor
from accord.accounts.services import authenticate
from accord.errors import Throttled


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        wait = throttle.token_retry_after(request)
        if wait is not None:
            raise Throttled(
                "Authorization",
                f"too many invalid tokens from this address; retry in {wait} s",
                wait,
            )
        actor = authenticate(token)
        if actor is None:
            throttle.token_failed(request)
        return actor


def actor_of(request: HttpRequest) -> Actor:
    return cast(Actor, cast(Any, request).auth)
