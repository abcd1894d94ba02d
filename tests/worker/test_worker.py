"""The worker: atomic claims, SLA breaches in stored targets, `--until-idle` end to end."""

from __future__ import annotations

import email
import email.policy
import subprocess
from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone
from intake.support import PYTHON, REPO, CliDesk, deliver, message

from accord.notify.models import Outbox
from accord.tickets.models import SlaTarget, SlaTransition
from accord.worker.claim import claim
from accord.worker.tasks import LEASE, record_sla


def test_it_claims_a_due_row_for_one_worker_only(mail_desk: Any) -> None:
    deliver(message("Printing fails"))
    now = timezone.now()
    due = Q(state="queued", next_attempt_at__lte=now)
    first = claim(Outbox, due, "id", 10, state="sending", lease_until=now + LEASE)
    second = claim(Outbox, due, "id", 10, state="sending", lease_until=now + LEASE)
    assert len(first) == 1 and second == []
    assert Outbox.objects.get().state == "sending"


def test_it_marks_a_passed_due_as_breached_in_the_stored_row(mail_desk: Any) -> None:
    request = deliver(message("Printing fails")).raw.request
    target = SlaTarget.objects.get(request=request, kind="first_response")
    assert target.state == "running" and target.due is not None
    before = record_sla(target.due - timedelta(seconds=1))  # the warning only
    kinds = SlaTransition.objects.filter(request=request).values_list("kind", flat=True)
    assert before == 1 and list(kinds) == ["warning"]
    assert record_sla(target.due + timedelta(seconds=1)) == 1
    assert record_sla(target.due + timedelta(seconds=2)) == 0
    target.refresh_from_db()
    assert target.state == "breached" and target.breached_at == target.due


def test_it_sends_everything_pending_and_exits_with_until_idle(
    cli_desk: CliDesk, smtp_server: Any
) -> None:
    for n in range(3):
        done = cli_desk.accord(
            "mail", "ingest", stdin=message(f"Issue {n}", message_id=f"w{n}@kiwi.example")
        )
        assert done.returncode == 0, done.stderr
    assert cli_desk.rows("SELECT count(*) FROM notify_outbox WHERE state='queued'") == [(3,)]
    env = {**cli_desk.env, "ACCORD_SMTP_URL": f"smtp://{smtp_server.host}:{smtp_server.port}"}
    worker = subprocess.run(
        [PYTHON, "-m", "accord", "run", "worker", "--until-idle"],
        env=env,
        cwd=REPO,
        capture_output=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr
    assert cli_desk.rows("SELECT state, count(*) FROM notify_outbox GROUP BY state") == [
        ("sent", 3)
    ]
    subjects = sorted(
        email.message_from_bytes(data, policy=email.policy.default)["Subject"]
        for _, _, data in smtp_server.messages
    )
    assert subjects == [f"[SR-100{n + 1}] Received: Issue {n}" for n in range(3)]


def test_it_processes_a_message_left_pending_by_a_crash_exactly_once(mail_desk: Any) -> None:
    from accord.intake.mail.parse import parse_message
    from accord.intake.models import RawMessage
    from accord.intake.store import Origin, store_raw
    from accord.tickets.models import Request
    from accord.worker.tasks import process_pending_mail

    raw = message("Stored, then the process died")
    row, created = store_raw(raw, parse_message(raw), Origin("pipe"))
    assert created and row.state == "pending"
    assert process_pending_mail(grace=timedelta(seconds=30)) == 0  # too fresh: ingest may own it
    assert process_pending_mail(grace=timedelta(0)) == 1
    assert deliver(raw).raw.pk == row.pk  # the MTA's retry finds it done
    assert RawMessage.objects.get().state == "processed"
    assert Request.objects.count() == 1
