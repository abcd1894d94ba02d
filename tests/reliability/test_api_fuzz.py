"""Schemathesis over our own OpenAPI document: no input answers a 500.

Every operation of `/api/v1/openapi.json` is called with generated input (valid
and invalid by the schema: wrong types, out-of-range numbers, odd strings, missing
fields), in process through Django's WSGI handler, as a customer and as an admin.
Whatever the input, the answer is a 2xx, 3xx or 4xx (docs/reliability.md): a
client's mistake is never a server error. The desk's fixture gives the tokens and
the data the operations find (an organisation, contacts, requests).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

# Examples per operation and token. The whole module runs in about a minute on the
# CI machine; a deeper run: ACCORD_FUZZ_EXAMPLES=500 pytest tests/reliability/test_api_fuzz.py
EXAMPLES = int(os.environ.get("ACCORD_FUZZ_EXAMPLES", "8"))


@pytest.fixture(autouse=True)
def _one_connection() -> Iterator[None]:
    """Keep the test's database connection across calls, as Django's test client does.

    Schemathesis calls the WSGI handler itself, which closes "old" connections at the
    end of each request; inside the test's transaction that closes the connection on
    PostgreSQL, and every later call would read as a database outage (503).
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# Loaded at collection through the WSGI handler: the document needs no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


def _call(case: Any, token: str) -> None:
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}"
    )


@pytest.mark.django_db
@schema.parametrize()
@FUZZ
def test_no_input_from_a_customer_answers_a_server_error(case: Any, desk: Any) -> None:
    _call(case, desk.mere_token)


@pytest.mark.django_db
@schema.parametrize()
@FUZZ
def test_no_input_from_an_admin_answers_a_server_error(case: Any, desk: Any) -> None:
    _call(case, desk.lead_token)
