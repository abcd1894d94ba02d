"""Random calendars (several windows a day, minute precision, explicit holidays,
several zones) agree with the naive reference."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.sla import Calendar, Window
from accord.sla.holiday_sources import ExplicitHolidays
from tests.sla.reference import (
    NaiveCalendar,
    WindowSpec,
    business_seconds,
    probes,
    random_calendars,
)

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
Spec = tuple[str, list[WindowSpec], frozenset[date]]


def build(spec: Spec) -> tuple[Calendar, NaiveCalendar]:
    zone, windows, holidays = spec
    cal = Calendar(zone, [Window(*w) for w in windows], ExplicitHolidays(holidays))
    return cal, NaiveCalendar(zone, windows, holidays.__contains__)


@SETTINGS
@given(spec=random_calendars(), data=st.data(), seconds=business_seconds(max_hours=40))
def test_it_adds_business_time_like_the_reference(
    spec: Spec, data: st.DataObject, seconds: int
) -> None:
    cal, ref = build(spec)
    start = data.draw(probes(spec[0], spec[1]))
    assert cal.add(start, seconds) == ref.add(start, seconds)


@SETTINGS
@given(spec=random_calendars(), data=st.data(), span=st.integers(-10 * 86400, 10 * 86400))
def test_it_measures_business_time_like_the_reference(
    spec: Spec, data: st.DataObject, span: int
) -> None:
    cal, ref = build(spec)
    a = data.draw(probes(spec[0], spec[1]))
    b = a + timedelta(seconds=span)
    assert cal.between(a, b) == ref.between(a, b)


@SETTINGS
@given(spec=random_calendars(), data=st.data())
def test_it_knows_working_instants_like_the_reference(spec: Spec, data: st.DataObject) -> None:
    cal, ref = build(spec)
    ts: list[datetime] = data.draw(st.lists(probes(spec[0], spec[1]), min_size=1, max_size=20))
    assert [cal.is_working(t) for t in ts] == [ref.is_working(t) for t in ts]


@SETTINGS
@given(spec=random_calendars(), data=st.data())
def test_it_finds_the_next_opening_like_the_reference(spec: Spec, data: st.DataObject) -> None:
    cal, ref = build(spec)
    t = data.draw(probes(spec[0], spec[1]))
    assert cal.next_opening(t) == ref.next_opening(t)
