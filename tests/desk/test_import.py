"""`accord import`: history in, its SLA replayed and stored, idempotent, resumable."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from accord.audit.models import AuditEntry
from accord.cli import main
from accord.sla import load_policy
from accord.tickets.history_sample import sample_records, write_jsonl
from accord.tickets.models import Event, Message, Request, SlaTarget
from accord.tickets.targets import evaluate_request, row_values

from .personas import Desk


def _orgs():
    return [
        ("Kiwi Ltd", load_policy("capella").level_ids, "ana@kiwi.example"),
        ("Kiwi Ltd", load_policy("capella").level_ids, "mere@kiwi.example"),
        ("Gatehouse HOA", load_policy("capsure").level_ids, "gil@gate.example"),
    ]


def _write(path: Path, count: int, end, **kw) -> Path:
    with path.open("w", encoding="utf-8") as stream:
        write_jsonl(sample_records(count, _orgs(), end, **kw), stream)
    return path


def _snapshot() -> list[tuple]:
    """The desk as a comparable value: requests with their logs, messages and targets."""
    out = []
    for r in Request.objects.order_by("number").prefetch_related("events", "messages", "targets"):
        out.append(
            (
                r.number,
                r.source,
                r.source_id,
                r.status,
                r.level,
                r.notice,
                r.next_due,
                tuple((e.seq, e.kind, e.at, e.to) for e in r.events.all()),
                tuple((m.direction, m.public, m.body_text, m.at) for m in r.messages.all()),
                tuple(
                    sorted(
                        (t.kind, t.state, t.due, t.met_at, t.breached_at, t.imported)
                        for t in r.targets.all()
                    )
                ),
            )
        )
    return out


def test_it_imports_history_with_its_sla_replayed_and_marked_imported(
    desk: Desk, clock, tmp_path, capsys
):
    path = _write(tmp_path / "history.jsonl", 120, clock.at - timedelta(days=1))
    assert main(["import", str(path), "--source", "oldesk", "--batch", "50", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "120 imported, 0 already there" in out
    imported = Request.objects.filter(source="oldesk")
    assert imported.count() == 120
    assert not SlaTarget.objects.filter(request__source="oldesk", imported=False).exists()
    # Each stored target is the engine's scalar answer for the stored log, as of the import.
    for request in imported:
        ev = evaluate_request(request, clock.at)
        stored = {t.kind: t for t in request.targets.all()}
        for kind, state in ev.targets.items():
            if state is None:
                assert kind not in stored
                continue
            want = row_values(state, clock.at)
            got = stored[kind]
            assert {k: getattr(got, k) for k in want} == want, (request.source_id, kind)
    # Messages, the log and the audit trail came along; numbers are the desk's own.
    assert Message.objects.filter(request__source="oldesk").exists()
    assert Event.objects.filter(request__source="oldesk", kind="opened").count() == 120
    assert AuditEntry.objects.filter(action="request.import").count() == 120
    numbers = sorted(imported.values_list("number", flat=True))
    assert numbers == list(range(numbers[0], numbers[0] + 120))
    # New contacts were created in their organisation; known ones reused.
    assert desk.kiwi.contacts.filter(email="ana@kiwi.example").count() == 1
    assert desk.kiwi.contacts.filter(email="mere@kiwi.example").count() == 1


def test_importing_twice_gives_the_same_desk(desk: Desk, clock, tmp_path, capsys):
    path = _write(tmp_path / "history.jsonl", 60, clock.at - timedelta(days=1))
    assert main(["import", str(path), "--batch", "25", "--no-progress"]) == 0
    first = _snapshot()
    assert main(["import", str(path), "--batch", "7", "--no-progress"]) == 0
    assert "0 imported, 60 already there" in capsys.readouterr().out
    assert _snapshot() == first


def test_it_resumes_from_its_checkpoint_after_a_failure(desk: Desk, clock, tmp_path, capsys):
    path = tmp_path / "history.jsonl"
    records = list(sample_records(30, _orgs()[:1], clock.at - timedelta(days=1)))
    records[20]["organization"] = "Newco"  # not in the desk yet: the import stops there
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert main(["import", str(path), "--batch", "10", "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "line 21: organization" in err and "Newco" in err
    assert Request.objects.count() == 20  # the two batches before it were kept
    checkpoint = tmp_path / "history.jsonl.accord-import.json"
    assert json.loads(checkpoint.read_text())["records"] == 20
    from accord.contracts import services as contracts

    contracts.create_organization(
        desk.lead, name="Newco", policy="capella", hosting="hosted", now=clock.at
    )
    assert main(["import", str(path), "--batch", "10", "--no-progress"]) == 0
    captured = capsys.readouterr()
    assert "resuming after 20 records" in captured.err
    assert "10 imported, 0 already there" in captured.out
    assert Request.objects.count() == 30
    assert not checkpoint.exists()


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"channel": "fax"}, "line 1: channel"),
        ({"received": "2026-01-01T10:00"}, "line 1: received"),
        ({"level": "colossal"}, "line 1: level"),
        ({"events": [{"at": "2025-01-01T00:00:00Z", "type": "wave"}]}, "line 1: events[0].type"),
        (
            {"events": [{"at": "2025-01-01T00:00:00Z", "type": "level", "to": "colossal"}]},
            "line 1: events[0].to",
        ),
    ],
)
def test_it_names_the_line_and_field_of_a_bad_record(desk, clock, tmp_path, capsys, line, field):
    record = next(sample_records(1, _orgs()[:1], clock.at - timedelta(days=1)))
    record["received"] = "2024-12-31T23:00:00+00:00"
    record["events"] = []
    record.update(line)
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert main(["import", str(path), "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert f"accord: {field}:" in err, err
    assert "Traceback" not in err
    assert not Request.objects.filter(source="jsonl").exists()
