"""The manager's report pages: figures as computed, charts, CSV that parses, drill-down."""

from __future__ import annotations

import csv
import io
import random

import pytest
from desk.conftest import FrozenClock
from desk.personas import Desk, nz
from django.test import Client
from reports.generate import history

from accord.reports import figures, periods, tables
from accord.sla import load_policy

ZONE = load_policy("capella").zone


@pytest.fixture
def kiwi_history(desk: Desk, clock: FrozenClock) -> figures.Report:
    history(
        random.Random(11), desk.lead, desk.mere, count=25, first=nz(2026, 11, 1, 0),
        last=clock.at, now=clock.at,
    )  # fmt: skip
    return figures.build(desk.kiwi, periods.parse("2026-11", ZONE), clock.at)


def parse_csv(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))


def test_the_organisation_report_shows_the_figures(
    manager_client: Client, desk: Desk, kiwi_history: figures.Report
) -> None:
    res = manager_client.get(f"/reports/organizations/{desk.kiwi.pk}/", {"period": "2026-11"})
    assert res.status_code == 200
    html = res.content.decode()
    assert "Kiwi Ltd · November 2026" in html
    assert html.count('<svg class="chart"') == 3 and 'role="img"' in html
    for line in kiwi_history.lines:
        row = html.split(
            f'data-level="{line.level}" data-kind="{line.kind}" data-clause="{line.clause}"'
        )[1]
        row = row.split("</tr>")[0]
        assert f'verdict=met">{line.met}</a>' in row
        assert f'verdict=breached">{line.breached}</a>' in row
    for b in kiwi_history.breaches:
        assert f'data-number="{b.display_number}"' in html


def test_csv_parses_and_equals_the_table(
    manager_client: Client, desk: Desk, kiwi_history: figures.Report
) -> None:
    url = f"/reports/organizations/{desk.kiwi.pk}/"
    res = manager_client.get(url, {"period": "2026-11", "format": "csv"})
    assert res["Content-Type"].startswith("text/csv")
    assert "attachment" in res["Content-Disposition"]
    rows = parse_csv(res.content)
    assert len(rows) == len(kiwi_history.lines)
    want = tables.line_rows(kiwi_history)
    for got, expected in zip(rows, want, strict=True):
        assert got["met"] == str(expected["met"]) and got["clause"] == expected["clause"]
        assert got["median_seconds"] == (
            "" if expected["median_seconds"] is None else str(expected["median_seconds"])
        )
    breaches = parse_csv(
        manager_client.get(url, {"period": "2026-11", "format": "csv", "table": "breaches"}).content
    )
    assert [r["number"] for r in breaches] == [b.display_number for b in kiwi_history.breaches]
    overview = parse_csv(
        manager_client.get("/reports/", {"period": "2026-11", "format": "csv"}).content
    )
    kiwi = next(r for r in overview if r["name"] == "Kiwi Ltd")
    assert int(kiwi["requests"]) == kiwi_history.requests
    assert int(kiwi["breaches"]) == len(kiwi_history.breaches)


def test_drill_down_lists_the_targets_behind_a_figure(
    manager_client: Client, desk: Desk, kiwi_history: figures.Report
) -> None:
    line = max(kiwi_history.lines, key=lambda ln: ln.breached)
    res = manager_client.get(
        f"/reports/organizations/{desk.kiwi.pk}/targets/",
        {"period": "2026-11", "level": line.level, "kind": line.kind, "verdict": "breached"},
    )
    html = res.content.decode()
    assert html.count("<tr data-number=") == line.breached
    csv_rows = parse_csv(
        manager_client.get(
            f"/reports/organizations/{desk.kiwi.pk}/targets/",
            {"period": "2026-11", "kind": line.kind, "format": "csv"},
        ).content
    )
    assert len(csv_rows) == sum(ln.targets for ln in kiwi_history.lines if ln.kind == line.kind)


def test_the_overview_lists_every_organisation(
    manager_client: Client, desk: Desk, kiwi_history: figures.Report
) -> None:
    html = manager_client.get("/reports/", {"period": "2026-11"}).content.decode()
    for org in (desk.kiwi, desk.gate, desk.lapsed, desk.other):
        assert f'data-organization="{org.pk}"' in html


@pytest.mark.parametrize(
    ("path", "params", "message"),
    [
        ("/reports/", {"period": "2026-13"}, "period: no such date"),
        ("/reports/", {"period": "last month"}, "period: expected a month"),
        ("{org}", {"period": "2026-11-30..2026-11-01"}, "period: the period ends before it starts"),
        ("{org}", {"format": "csv", "table": "x"}, "table: expected lines or breaches"),
        ("{org}targets/", {"level": "sev1"}, "level: expected one of urgent"),
        ("{org}targets/", {"kind": "x"}, "kind: expected one of first_response"),
        ("{org}targets/", {"verdict": "x"}, "verdict: expected one of met"),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter(
    manager_client: Client, desk: Desk, path: str, params: dict[str, str], message: str
) -> None:
    url = path.format(org=f"/reports/organizations/{desk.kiwi.pk}/")
    res = manager_client.get(url, params)
    assert res.status_code == 400
    assert message in res.content.decode()


def test_reports_are_for_managers(agent_client: Client, desk: Desk) -> None:
    assert agent_client.get(f"/reports/organizations/{desk.kiwi.pk}/").status_code == 403
    assert agent_client.get("/reports/").status_code == 403


def test_an_unknown_organisation_is_a_404(manager_client: Client) -> None:
    assert manager_client.get("/reports/organizations/99999/").status_code == 404
