"""Fixtures for the security suite: real logins on the real clock, a clean throttle cache.

django-axes stamps failures with the wall clock, so these tests do not freeze time;
they build their own users through the accounts services.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

from accord.accounts import services as accounts

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def clean_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def ana(db: None) -> User:
    return accounts.create_user("ana", role="admin", password=PASSWORD)


@pytest.fixture
def ben(db: None) -> User:
    return accounts.create_user("ben", role="agent", password=PASSWORD)
