"""Suite-wide hooks.

With ACCORD_DB_TESTS_ONLY=1 (scripts/run-tests' PostgreSQL pass) only tests
that use the database run: the others already ran on the SQLite pass and do
not depend on the database engine.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

DB_FIXTURES = frozenset(
    {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback"}
)


def uses_database(item: pytest.Item) -> bool:
    if item.get_closest_marker("django_db") is not None:
        return True
    return bool(DB_FIXTURES.intersection(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("ACCORD_DB_TESTS_ONLY") != "1":
        return
    keep = [item for item in items if uses_database(item)]
    dropped = [item for item in items if not uses_database(item)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = keep


@pytest.fixture(autouse=True)
def _fresh_throttle_counters() -> Iterator[None]:
    """Each test starts with no wrong-token counts (accord/accounts/throttle.py).

    They live in Django's cache, which outlives a test's rolled-back database:
    without this, the 401 tests of one module would add up to a 429 in the next.
    """
    from django.core.cache import cache

    cache.clear()
    yield
