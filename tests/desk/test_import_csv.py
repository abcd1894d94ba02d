"""`accord import` of django-helpdesk, Zammad and osTicket CSV exports."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from accord.cli import main
from accord.tickets.models import Request

from .personas import Desk


def _csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _timeline(number: str) -> list[tuple[str, str, str]]:
    r = Request.objects.get(source_id=number)
    return [(e.kind, e.to, e.at.isoformat()) for e in r.events.order_by("seq")][2:]


def test_it_imports_a_django_helpdesk_export(desk: Desk, clock, tmp_path, capsys):
    tickets = _csv(
        tmp_path / "tickets.csv",
        [
            {
                "id": "7",
                "title": "Printer on fire",
                "queue": "Support",
                "created": "2026-03-02 21:00:00",
                "modified": "2026-03-04 02:00:00",
                "submitter_email": "Ana@Kiwi.example",
                "status": "4",
                "priority": "2",
                "description": "Smoke.",
            },
            {
                "id": "8",
                "title": "Question",
                "queue": "Support",
                "created": "2026-03-05T01:00:00+00:00",
                "modified": "2026-03-05T01:00:00+00:00",
                "submitter_email": "ana@kiwi.example",
                "status": "1",
                "priority": "4",
                "description": "How?",
            },
        ],
    )
    followups = _csv(
        tmp_path / "followups.csv",
        [
            {
                "ticket_id": "7",
                "date": "2026-03-02 22:00:00",
                "comment": "On it",
                "public": "True",
                "user": "kim",
                "new_status": "",
            },
            {
                "ticket_id": "7",
                "date": "2026-03-03 01:00:00",
                "comment": "Check the toner",
                "public": "False",
                "user": "kim",
                "new_status": "",
            },
            {
                "ticket_id": "7",
                "date": "2026-03-03 20:00:00",
                "comment": "Fixed",
                "public": "True",
                "user": "kim",
                "new_status": "3",
            },
        ],
    )
    changes = _csv(
        tmp_path / "changes.csv",
        [
            {
                "ticket_id": "7",
                "date": "2026-03-02 21:30:00",
                "field": "Priority",
                "new_value": "1",
            }
        ],
    )
    args = ["import", str(tickets), "--format", "django-helpdesk", "--no-progress"]
    args += ["--messages", str(followups), "--history", str(changes)]
    args += ["--organization", "Kiwi Ltd", "--level-map", "1=urgent,2=high,3=medium,4=low"]
    assert main(args) == 0
    assert "2 imported" in capsys.readouterr().out
    fire = Request.objects.get(source="django-helpdesk", source_id="7")
    assert (fire.initial_level, fire.level, fire.status) == ("high", "urgent", "closed")
    assert fire.contact.email == "ana@kiwi.example"
    assert [k + (":" + t if t else "") for k, t, _ in _timeline("7")] == [
        "level:urgent",
        "agent_reply",
        "internal_note",
        "agent_reply",
        "status:resolved",
        "status:closed",  # the ticket row says closed: reached when last modified
    ]
    assert _timeline("7")[-1][2] == "2026-03-04T02:00:00+00:00"
    fr = fire.targets.get(kind="first_response")
    assert fr.state in ("met", "breached") and fr.imported
    assert Request.objects.get(source_id="8").status == "open"


def test_it_imports_a_zammad_export(desk: Desk, tmp_path, capsys):
    tickets = _csv(
        tmp_path / "tickets.csv",
        [
            {
                "id": "31",
                "number": "67031",
                "title": "VPN down",
                "state": "closed",
                "priority": "3 high",
                "customer": "sam@gate.example",
                "customer_name": "Sam",
                "organization": "Gatehouse HOA",
                "created_at": "2026-05-04T13:00:00Z",
                "close_at": "2026-05-05T13:00:00Z",
            }
        ],
    )
    articles = _csv(
        tmp_path / "articles.csv",
        [
            {
                "ticket_id": "31",
                "created_at": "2026-05-04T13:20:00Z",
                "sender": "Agent",
                "internal": "false",
                "from": "kim",
                "body": "Restarting the concentrator",
            },
            {
                "ticket_id": "31",
                "created_at": "2026-05-04T15:00:00Z",
                "sender": "Customer",
                "internal": "false",
                "from": "sam",
                "body": "Works again",
            },
        ],
    )
    history = _csv(
        tmp_path / "history.csv",
        [
            {
                "ticket_id": "31",
                "created_at": "2026-05-04T14:00:00Z",
                "attribute": "state",
                "value_from": "open",
                "value_to": "pending reminder",
            },
            {
                "ticket_id": "31",
                "created_at": "2026-05-04T15:00:00Z",
                "attribute": "state",
                "value_from": "pending reminder",
                "value_to": "closed",
            },
        ],
    )
    args = ["import", str(tickets), "--format", "zammad", "--no-progress"]
    args += ["--messages", str(articles), "--history", str(history)]
    args += ["--level-map", "1 low=sev4,2 normal=sev3,3 high=sev2"]
    assert main(args) == 0
    vpn = Request.objects.get(source="zammad", source_id="31")
    assert (vpn.level, vpn.status, vpn.organization_id) == ("sev2", "closed", desk.gate.pk)
    assert [k + (":" + t if t else "") for k, t, _ in _timeline("31")] == [
        "agent_reply",
        "status:waiting_on_customer",
        "customer_reply",
        "status:closed",
    ]
    fr = vpn.targets.get(kind="first_response")  # capsure sev2 promises a response only
    assert (fr.state, fr.met_at.isoformat(), fr.imported) == (
        "met",
        "2026-05-04T13:20:00+00:00",
        True,
    )


def test_it_imports_an_osticket_export_and_names_unmapped_priorities(desk: Desk, tmp_path, capsys):
    row = {
        "ticket_id": "5",
        "number": "100005",
        "created": "2026-06-01 09:00:00",
        "subject": "Login loop",
        "email": "mere@kiwi.example",
        "name": "Mere",
        "priority": "Emergency",
        "status": "Resolved",
        "source": "Phone",
        "organization": "Kiwi Ltd",
        "closed": "2026-06-01 12:00:00",
    }
    tickets = _csv(tmp_path / "tickets.csv", [row])
    thread = _csv(
        tmp_path / "thread.csv",
        [
            {
                "ticket_id": "5",
                "created": "2026-06-01 09:00:00",
                "type": "M",
                "poster": "Mere",
                "body": "Loop",
            },
            {
                "ticket_id": "5",
                "created": "2026-06-01 09:10:00",
                "type": "R",
                "poster": "Kim",
                "body": "Clear cookies",
            },
        ],
    )
    events = _csv(
        tmp_path / "events.csv",
        [
            {"ticket_id": "5", "timestamp": "2026-06-01 09:00:00", "state": "created"},
            {"ticket_id": "5", "timestamp": "2026-06-01 09:05:00", "state": "assigned"},
        ],
    )
    args = ["import", str(tickets), "--format", "osticket", "--no-progress"]
    args += ["--messages", str(thread), "--history", str(events)]
    assert main(args + ["--level-map", "Low=low"]) == 1
    assert "line 2: priority: no level for priority 'Emergency'" in capsys.readouterr().err
    assert main(args + ["--level-map", "Emergency=urgent,Low=low"]) == 0
    login = Request.objects.get(source="osticket", source_id="5")
    assert (login.channel, login.level, login.status) == ("phone", "urgent", "resolved")
    assert [k + (":" + t if t else "") for k, t, _ in _timeline("5")] == [
        "customer_reply",
        "agent_reply",
        "status:resolved",  # from the ticket's closed column: no state event said so
    ]


@pytest.mark.parametrize("fmt", ["django-helpdesk", "zammad", "osticket"])
def test_it_names_a_missing_column(desk, tmp_path, capsys, fmt):
    tickets = _csv(tmp_path / "t.csv", [{"nothing": "here"}])
    assert main(["import", str(tickets), "--format", fmt, "--no-progress"]) == 1
    assert "t.csv: " in capsys.readouterr().err
