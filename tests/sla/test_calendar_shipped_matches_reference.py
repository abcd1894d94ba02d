"""The compiled calendars of both shipped policies agree with the naive reference."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.sla import Calendar, load_policy
from tests.sla.reference import NaiveCalendar, WindowSpec, business_seconds, holidays_of, probes

POLICIES = ("capsure", "capella")
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@cache
def compiled(name: str) -> Calendar:
    return load_policy(name).calendar


def windows(name: str) -> list[WindowSpec]:
    return [(w.weekday, w.open, w.close) for w in compiled(name).windows]


@cache
def naive(name: str) -> NaiveCalendar:
    cal = compiled(name)
    return NaiveCalendar(cal.zone_name, windows(name), holidays_of(cal.holidays))


def probe(data: st.DataObject, name: str) -> datetime:
    return data.draw(probes(compiled(name).zone_name, windows(name)))


@pytest.mark.parametrize("name", POLICIES)
@SETTINGS
@given(data=st.data(), seconds=business_seconds())
def test_it_adds_business_time_like_the_reference(
    name: str, data: st.DataObject, seconds: int
) -> None:
    start = probe(data, name)
    assert compiled(name).add(start, seconds) == naive(name).add(start, seconds)


@pytest.mark.parametrize("name", POLICIES)
@SETTINGS
@given(data=st.data(), span=st.integers(-21 * 86400, 21 * 86400))
def test_it_measures_business_time_like_the_reference(
    name: str, data: st.DataObject, span: int
) -> None:
    a = probe(data, name)
    b = a + timedelta(seconds=span)
    assert compiled(name).between(a, b) == naive(name).between(a, b)


@pytest.mark.parametrize("name", POLICIES)
@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_it_knows_working_instants_like_the_reference(name: str, data: st.DataObject) -> None:
    t = probe(data, name)
    assert compiled(name).is_working(t) == naive(name).is_working(t)


@pytest.mark.parametrize("name", POLICIES)
@SETTINGS
@given(data=st.data())
def test_it_finds_the_next_opening_like_the_reference(name: str, data: st.DataObject) -> None:
    t = probe(data, name)
    assert compiled(name).next_opening(t) == naive(name).next_opening(t)
