"""Fixtures: a frozen clock, the shared personas, and API clients per token."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from .personas import Desk, build_desk, nz


class FrozenClock:
    """`django.utils.timezone.now` pinned to `at`; move it with `set`/`advance`."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> None:
        self.at = at


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    # Fri 2026-11-20 16:30 in Wellington: inside capella's support hours.
    frozen = FrozenClock(nz(2026, 11, 20, 16, 30))
    monkeypatch.setattr(timezone, "now", frozen)
    return frozen


@pytest.fixture
def desk(db: None, clock: FrozenClock) -> Desk:
    return build_desk(clock.at)


class Api:
    """JSON over HTTP with one bearer token."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def post(self, path: str, body: Any) -> Any:
        return self.client.post(
            f"/api/v1{path}", body, content_type="application/json", headers=self.headers
        )

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(
            f"/api/v1{path}", body, content_type="application/json", headers=self.headers
        )

    def delete(self, path: str) -> Any:
        return self.client.delete(f"/api/v1{path}", headers=self.headers)

    def put(self, path: str, body: Any) -> Any:
        return self.client.put(
            f"/api/v1{path}", body, content_type="application/json", headers=self.headers
        )


@pytest.fixture
def api_as(desk: Desk) -> Callable[[str | None], Api]:
    return Api
