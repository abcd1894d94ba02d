"""The worker writes one logfmt line per unit of work to stderr and a summary to stdout."""

from __future__ import annotations

import re
from typing import Any

from intake.support import deliver, message
from notify.test_outbound_smtp import smtp_at

from accord.cli import main


def test_until_idle_logs_each_unit_of_work_and_prints_what_it_did(
    mail_desk: Any, smtp_server: Any, settings: Any, capsys: Any
) -> None:
    smtp_at(settings, smtp_server.host, smtp_server.port)
    deliver(message("Printing fails"))
    deliver(message("Scanner jams", message_id="m2@kiwi.example"))
    assert main(["run", "worker", "--until-idle"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("outbox handled 2, ")
    lines = [line for line in err.splitlines() if "event=worker.task" in line]
    assert len(lines) == 1, err  # one unit of work: the two acknowledgements sent
    fields = dict(re.findall(r'(\w+)=("[^"]*"|\S+)', lines[0]))
    assert fields["level"] == "INFO" and fields["task"] == "sent"
    assert fields["outcome"] == "ok" and fields["count"] == "2"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", fields["ts"])
    assert int(fields["ms"]) >= 0


def test_a_failing_task_is_one_error_line_naming_it(
    mail_desk: Any, settings: Any, capsys: Any, monkeypatch: Any
) -> None:
    def broken(*args: Any, **kwargs: Any) -> int:
        raise OSError("disk full")

    monkeypatch.setattr("accord.worker.tasks.record_sla", broken)
    assert main(["run", "worker", "--until-idle"]) == 1
    err = capsys.readouterr().err
    (line,) = [x for x in err.splitlines() if "event=worker.task" in x]
    assert 'task=transitions outcome=error error="OSError: disk full"' in line
    assert "level=ERROR" in line
