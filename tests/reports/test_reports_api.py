"""`GET /api/v1/reports/...`: the report's rows as JSON, staff and customers."""

from __future__ import annotations

import random

import pytest
from desk.conftest import Api, FrozenClock
from desk.personas import Desk, nz

from accord.reports import figures, periods, tables
from accord.sla import load_policy

from .generate import history


@pytest.fixture
def november(desk: Desk, clock: FrozenClock) -> figures.Report:
    history(
        random.Random(3), desk.lead, desk.mere, count=15,
        first=nz(2026, 11, 1, 0), last=clock.at, now=clock.at,
    )  # fmt: skip
    return figures.build(desk.kiwi, periods.parse("2026-11", load_policy("capella").zone), clock.at)


def test_staff_read_an_organisations_report(desk: Desk, november: figures.Report) -> None:
    res = Api(desk.agent_token).get(f"/reports/organizations/{desk.kiwi.pk}", period="2026-11")
    assert res.status_code == 200
    body = res.json()
    assert body["period"] == {
        "key": "2026-11", "first": "2026-11-01", "last": "2026-11-30", "zone": "Pacific/Auckland",
    }  # fmt: skip
    assert body["requests"] == november.requests
    assert body["lines"] == tables.line_rows(november)
    assert body["breaches"] == tables.breach_rows(november)


def test_the_drill_down_and_the_overview(desk: Desk, november: figures.Report) -> None:
    staff = Api(desk.agent_token)
    res = staff.get(
        f"/reports/organizations/{desk.kiwi.pk}/targets", period="2026-11", verdict="breached"
    )
    assert len(res.json()["items"]) == len(november.breaches)
    items = staff.get("/reports/organizations", period="2026-11").json()["items"]
    kiwi = next(i for i in items if i["organization"] == desk.kiwi.pk)
    assert kiwi["requests"] == november.requests and kiwi["breaches"] == len(november.breaches)


def test_a_customer_sees_only_its_own(desk: Desk, november: figures.Report) -> None:
    mere = Api(desk.mere_token)
    assert mere.get(f"/reports/organizations/{desk.kiwi.pk}", period="2026-11").status_code == 200
    assert mere.get(f"/reports/organizations/{desk.other.pk}").status_code == 404
    assert mere.get("/reports/organizations").status_code == 403


@pytest.mark.parametrize(
    ("path", "params", "status", "field"),
    [
        ("/reports/organizations/{org}", {"period": "2026-13"}, 422, "period"),
        ("/reports/organizations/{org}", {"month": "2026-11"}, 400, "month"),
        ("/reports/organizations/{org}/targets", {"verdict": "late"}, 422, "verdict"),
        ("/reports/organizations/{org}/targets", {"level": "sev1"}, 422, "level"),
        ("/reports/organizations/99999", {}, 404, "organization"),
    ],
)
def test_bad_parameters_are_named(
    desk: Desk, path: str, params: dict[str, str], status: int, field: str
) -> None:
    res = Api(desk.agent_token).get(path.format(org=desk.kiwi.pk), **params)
    assert res.status_code == status, res.content
    assert res.json()["field"] == field
