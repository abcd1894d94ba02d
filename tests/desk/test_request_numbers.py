"""Service request numbers: unique, monotonic, never reused, safe under concurrency."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from accord.errors import Invalid
from accord.tickets import intake
from accord.tickets.models import Request

from .personas import build_desk


def _open(desk, now, level="low"):
    return intake.open_request(
        desk.lead,
        contact=desk.mere.pk,
        channel="portal",
        level=level,
        subject="S",
        description="D",
        now=now,
    )


def test_it_numbers_requests_in_order_from_1001(desk, clock):
    numbers = [_open(desk, clock.at).number for _ in range(3)]
    assert numbers == [1001, 1002, 1003]
    assert Request.objects.get(number=1001).display_number == "SR-1001"


def test_it_does_not_use_up_a_number_when_opening_fails(desk, clock):
    first = _open(desk, clock.at).number
    with pytest.raises(Invalid):
        _open(desk, clock.at, level="sev1")
    assert _open(desk, clock.at).number == first + 1


def test_it_finds_a_request_by_number_with_or_without_the_prefix(desk, api_as, clock):
    n = _open(desk, clock.at).number
    lead = api_as(desk.lead_token)
    for text in (f"SR-{n}", f"sr-{n}", str(n)):
        assert lead.get(f"/requests/{text}").json()["number"] == f"SR-{n}"


@pytest.mark.django_db(transaction=True)
def test_it_gives_200_concurrent_creations_200_distinct_numbers(clock):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency needs PostgreSQL: SQLite serialises all writers anyway")
    desk = build_desk(clock.at)
    start = threading.Barrier(40)

    def create(i: int) -> int:
        try:
            if i < 40:
                start.wait()  # the first 40 start at the same instant
            return _open(desk, clock.at).number
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=40) as pool:
        numbers = list(pool.map(create, range(200)))
    assert len(set(numbers)) == 200
    assert sorted(numbers) == list(range(1001, 1201))
    assert Request.objects.count() == 200
