"""`accord mail outbox`, `accord mail resend ID` and `accord mail test-smtp` on a real SMTP sink."""

from __future__ import annotations

from typing import Any

import pytest
from intake.support import deliver, message

from accord.audit.models import AuditEntry
from accord.cli import main
from accord.notify.models import Outbox
from accord.worker.loop import run

from .test_outbound_smtp import refusing_smtp, smtp_at

__all__ = ["refusing_smtp"]


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out = capsys.readouterr()
    return status, out.out, out.err


def test_a_mail_refused_for_good_is_listed_and_resent(
    mail_desk: Any, refusing_smtp: int, smtp_server: Any, settings: Any, capsys: Any
) -> None:
    smtp_at(settings, "127.0.0.1", refusing_smtp)
    request = deliver(message("Printing fails")).raw.request
    run(until_idle=True)
    row = Outbox.objects.get(request=request)
    assert row.state == "failed"

    status, out, _ = cli(capsys, "mail", "outbox")
    assert status == 0
    line = next(x for x in out.splitlines() if x.split()[0] == str(row.pk))
    assert "failed" in line and request.display_number in line and "550" in line

    # The mailbox is fixed; the agent sends it again.
    smtp_at(settings, smtp_server.host, smtp_server.port)
    status, out, _ = cli(capsys, "mail", "resend", str(row.pk))
    assert status == 0 and "queued again" in out
    assert run(until_idle=True).sent == 1
    row.refresh_from_db()
    assert row.state == "sent" and row.reason == ""
    assert len(smtp_server.messages) == 1
    audit = AuditEntry.objects.get(action="outbox.resend")
    assert audit.data["previous_state"] == "failed" and "550" in audit.data["previous_reason"]

    status, _, err = cli(capsys, "mail", "resend", str(row.pk))
    assert status == 1 and err.startswith(f"accord: id: mail {row.pk} is sent;")
    assert cli(capsys, "mail", "resend", "999999")[2] == "accord: id: no outbox mail 999999\n"


def test_test_smtp_reports_the_server_or_the_reason(
    smtp_server: Any, settings: Any, capsys: Any
) -> None:
    smtp_at(settings, smtp_server.host, smtp_server.port)
    status, out, _ = cli(capsys, "mail", "test-smtp", "--to", "ops@desk.example")
    assert status == 0, out
    assert out.startswith(f"SMTP 127.0.0.1:{smtp_server.port} (plain) answers: 250")
    ((_, rcpts, _),) = smtp_server.messages
    assert rcpts == ["ops@desk.example"]

    smtp_at(settings, "127.0.0.1", 1)  # nothing listens on port 1
    status, _, err = cli(capsys, "mail", "test-smtp")
    assert status == 1 and err.startswith("accord: ACCORD_SMTP_URL: cannot connect to 127.0.0.1:1")


def test_the_outbox_page_lists_the_failure_and_resends_it(
    mail_desk: Any, refusing_smtp: int, settings: Any
) -> None:
    from django.test import Client

    from accord.accounts import services as accounts

    smtp_at(settings, "127.0.0.1", refusing_smtp)
    request = deliver(message("Printing fails")).raw.request
    run(until_idle=True)
    row = Outbox.objects.get(request=request)
    client = Client()
    client.force_login(accounts.create_user("root-admin", role="admin"))
    page = client.get("/manage/outbox/").content.decode()
    assert f'data-id="{row.pk}"' in page and "550" in page and request.display_number in page
    assert client.post("/manage/outbox/", {"id": row.pk}).status_code == 302
    row.refresh_from_db()
    assert row.state == "queued"
    assert f'data-id="{row.pk}"' not in client.get("/manage/outbox/").content.decode()
    again = client.post("/manage/outbox/", {"id": row.pk})
    assert again.status_code == 400 and b"only failed, suppressed or bounced" in again.content
