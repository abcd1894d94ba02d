"""The rota and pages through the API and the `accord oncall` command."""

from __future__ import annotations

from typing import Any

from desk.personas import Desk
from intake.support import CliDesk

from accord.notify.models import Page, PageStep
from accord.worker.tasks import alert

from .test_paging import NIGHT, _sev1


def test_it_manages_shifts_and_acknowledges_pages_through_the_api(desk: Desk, api_as: Any) -> None:
    lead, agent = api_as(desk.lead_token), api_as(desk.agent_token)
    body = {"user": "agent", "starts": "2026-11-24 18:00", "ends": "2026-11-25 08:00",
            "policy": "capsure"}  # fmt: skip
    assert agent.post("/oncall-shifts", body).status_code == 403
    made = lead.post("/oncall-shifts", body)
    assert made.status_code == 201, made.json()
    shift = made.json()
    assert shift["starts"] == "2026-11-24T18:00:00-05:00" and shift["user"] == "agent"
    listed = agent.get("/oncall-shifts", starts="2026-11-24 00:00", policy="capsure").json()
    assert [s["id"] for s in listed] == [shift["id"]]
    for change, field in (({"user": "ghost"}, "user"), ({"ends": "2026-11-24 17:00"}, "ends"),
                          ({"starts": "soon"}, "starts"), ({"policy": "acme"}, "policy")):  # fmt: skip
        got = lead.post("/oncall-shifts", {**body, **change})
        assert got.status_code == 422 and got.json()["field"] == field, got.json()

    request = _sev1(desk)
    alert(NIGHT)
    pages = agent.get("/pages", open="true").json()
    assert [(p["request"], p["steps"][0]["users"]) for p in pages] == [
        (request.display_number, ["agent"])
    ]
    acked = agent.post(f"/pages/{pages[0]['id']}/ack", {})
    assert acked.status_code == 200 and acked.json()["acknowledged_by"] == "agent"
    assert agent.post(f"/pages/{pages[0]['id']}/ack", {}).json()["acknowledged_by"] == "agent"
    assert agent.get("/pages", open="true").json() == []
    assert PageStep.objects.filter(kind="acknowledged").count() == 1
    assert lead.post("/pages/999/ack", {}).status_code == 404
    assert api_as(desk.mere_token).get("/pages").status_code == 403
    gone = lead.client.delete(f"/api/v1/oncall-shifts/{shift['id']}", headers=lead.headers)
    assert gone.status_code == 204 and agent.get("/oncall-shifts").json() == []
    assert Page.objects.count() == 1


def test_the_rota_on_the_command_line(cli_desk: CliDesk) -> None:
    made = cli_desk.accord(
        "oncall", "rotate", "nights", "--members", "agent,lead", "--starts", "2026-11-23 09:00",
        "--weeks", "2", "--policy", "capsure",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    lines = made.stdout.decode().splitlines()
    assert len(lines) == 2 and "agent" in lines[0] and "2026-11-23 09:00 EST" in lines[0]
    now = cli_desk.accord("oncall", "now", "--policy", "capsure", "--at", "2026-12-01 03:00")
    assert now.returncode == 0 and " lead " in now.stdout.decode(), now.stdout
    nobody = cli_desk.accord("oncall", "now", "--policy", "capella", "--at", "2026-12-01 03:00")
    assert "nobody is on call" in nobody.stdout.decode()
    override = cli_desk.accord(
        "oncall", "add", "agent", "--starts", "2026-12-01 00:00", "--ends", "2026-12-01 06:00",
        "--policy", "capsure", "--override",
    )  # fmt: skip
    assert override.returncode == 0, override.stderr
    now = cli_desk.accord("oncall", "now", "--policy", "capsure", "--at", "2026-12-01 03:00")
    assert " agent " in now.stdout.decode() and "override" in now.stdout.decode()
    bad = cli_desk.accord("oncall", "add", "ghost", "--starts", "2026-12-01", "--ends", "x")
    assert bad.returncode == 1 and bad.stderr.decode().startswith("accord: user:"), bad.stderr
    late = cli_desk.accord(
        "oncall", "add", "agent", "--starts", "2026-12-01 06:00", "--ends", "2026-12-01 05:00"
    )
    assert late.returncode == 1 and "accord: ends:" in late.stderr.decode()
    shift_id = override.stdout.decode().split()[0]
    assert cli_desk.accord("oncall", "remove", shift_id).returncode == 0
    assert cli_desk.accord("oncall", "remove", shift_id).returncode == 1
    assert cli_desk.accord("oncall", "pages").returncode == 0
