"""`accord policy holiday add|remove|list`: a declared holiday moves open deadlines at once.

Semantics 5: a calendar correction keeps the version and applies to every open
request on it; verdicts already reached stay. In process on a writable copy of the
shipped policies, and as the real command on an install's own policy file.
"""

from __future__ import annotations

import subprocess
import tomllib
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from intake.support import PYTHON, CliDesk, cli_desk, seeded_template

from accord.audit.models import AuditEntry
from accord.errors import Invalid
from accord.sla import load_policy
from accord.tickets.holidays import (
    add_holiday,
    declared_holidays,
    preview_holiday,
    remove_holiday,
)
from accord.tickets.models import SlaTarget
from accord.tickets.sweep import record_due

from .personas import Desk, nz
from .test_custom_policy import acme_policy
from .test_policy_versions import RECEIVED, _open, policy_dir

__all__ = ["cli_desk", "policy_dir", "seeded_template"]


def test_a_declared_holiday_moves_the_open_deadlines_and_is_written_down(
    desk: Desk, policy_dir: Path
) -> None:
    request = _open(desk)  # urgent, Mon 23 Nov 10:00: resolution due Thu 26 Nov 10:00
    stored = SlaTarget.objects.get(request=request, kind="resolution")
    assert stored.due == nz(2026, 11, 26, 10)
    count = add_holiday(
        desk.lead,
        "capella",
        date(2026, 11, 25),
        reason="Royal visit, declared 20 Nov",
        now=RECEIVED,
    )
    assert count == 1
    stored.refresh_from_db()
    assert stored.due == nz(2026, 11, 27, 10)  # Wednesday no longer counts
    text = (policy_dir / "capella.toml").read_text()
    assert "2026-11-25,  # Royal visit, declared 20 Nov" in text
    assert tomllib.loads(text)["calendar"]["holidays"]["dates"] == [date(2026, 11, 25)]
    assert load_policy("capella").calendar.holiday_name(date(2026, 11, 25)) is not None
    entry = AuditEntry.objects.get(action="policy.holiday_add")
    assert entry.data["date"] == "2026-11-25" and entry.data["recomputed"] == 1
    # A second one goes beside the first.
    add_holiday(desk.lead, "capella", date(2026, 11, 24), reason="Storm", now=RECEIVED)
    dates = tomllib.loads((policy_dir / "capella.toml").read_text())["calendar"]["holidays"]
    assert dates["dates"] == [date(2026, 11, 25), date(2026, 11, 24)]


def test_it_refuses_a_day_that_is_already_a_holiday_and_agents(
    desk: Desk, policy_dir: Path
) -> None:
    before = (policy_dir / "capella.toml").read_text()
    with pytest.raises(Invalid) as refused:
        add_holiday(desk.lead, "capella", date(2026, 12, 25), reason="x", now=RECEIVED)
    assert refused.value.field == "date" and "Christmas" in refused.value.message
    with pytest.raises(Invalid) as refused:
        add_holiday(desk.lead, "capella", date(2026, 12, 24), reason="  ", now=RECEIVED)
    assert refused.value.field == "reason"
    from accord.errors import Forbidden

    with pytest.raises(Forbidden):
        add_holiday(desk.agent, "capella", date(2026, 12, 24), reason="x", now=RECEIVED)
    assert (policy_dir / "capella.toml").read_text() == before
    assert not AuditEntry.objects.filter(action="policy.holiday_add").exists()


def test_a_preview_lists_the_moving_deadline_and_a_breach_stays_breached(
    desk: Desk, policy_dir: Path
) -> None:
    request = _open(desk)  # urgent, Mon 23 Nov 10:00: first response due 11:00
    assert record_due(nz(2026, 11, 23, 11, 30)) == 1  # first response breached at 11:00
    text = (policy_dir / "capella.toml").read_text()
    # Monday itself declared after the fact: the engine alone would un-breach it.
    moves = preview_holiday("capella", date(2026, 11, 23), reason="Storm", now=RECEIVED)
    assert (policy_dir / "capella.toml").read_text() == text  # a preview changes nothing
    kinds = {m.kind: m for m in moves}
    assert kinds["first_response"].kept and kinds["first_response"].before.startswith("breached")
    assert "2026-11-26T10:00:00+13:00" in kinds["resolution"].before
    # The clock now starts Tuesday 09:00: 24 support hours end Thursday 17:00.
    assert "2026-11-26T17:00:00+13:00" in kinds["resolution"].after
    add_holiday(desk.lead, "capella", date(2026, 11, 23), reason="Storm", now=RECEIVED)
    breached = SlaTarget.objects.get(request=request, kind="first_response")
    assert (breached.state, breached.breached_at) == ("breached", nz(2026, 11, 23, 11))
    running = SlaTarget.objects.get(request=request, kind="resolution")
    assert running.due == nz(2026, 11, 26, 17)
    # Taken back: the day counts again and the deadline returns.
    remove_holiday(desk.lead, "capella", date(2026, 11, 23), reason="Declared by mistake",
                   now=RECEIVED)  # fmt: skip
    running.refresh_from_db()
    assert running.due == nz(2026, 11, 26, 10)
    assert (policy_dir / "capella.toml").read_text() == text
    assert AuditEntry.objects.filter(action="policy.holiday_remove").count() == 1


def test_it_lists_declared_holidays_with_who_and_why(desk: Desk, policy_dir: Path) -> None:
    add_holiday(desk.lead, "capella", date(2026, 11, 25), reason="Royal visit", now=RECEIVED)
    path = policy_dir / "capella.toml"
    path.write_text(path.read_text().replace(
        "2026-11-25,  # Royal visit", "2026-11-25,  # Royal visit\n    2026-12-31,  # by hand"
    ))  # fmt: skip
    found = declared_holidays("capella")
    assert [(h.day, h.reason, h.by) for h in found] == [
        (date(2026, 11, 25), "Royal visit", desk.lead.label),
        (date(2026, 12, 31), "by hand", ""),
    ]
    with pytest.raises(Invalid) as refused:
        remove_holiday(desk.lead, "capella", date(2026, 12, 25), reason="x", now=RECEIVED)
    assert refused.value.field == "date"  # Christmas is the law, not a correction


def test_the_command_previews_adds_lists_and_removes_a_holiday(
    cli_desk: CliDesk, tmp_path: Path
) -> None:
    own = tmp_path / "policies"
    own.mkdir()
    path = acme_policy(own)
    before = path.read_text()
    env = {"ACCORD_POLICY_DIR": str(own)}
    preview = cli_desk.accord(
        "policy", "holiday", "add", "acme", "2026-12-24", "--reason", "Office closed", **env
    )
    assert preview.returncode == 0, preview.stderr
    assert b"preview only: add --apply to declare 2026-12-24 (Office closed)" in preview.stdout
    assert path.read_text() == before
    done = cli_desk.accord(
        "policy", "holiday", "add", "acme", "2026-12-24", "--reason", "Office closed", "--apply",
        **env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert b"acme: 2026-12-24 is a holiday (Office closed); recomputed 0 open requests" in (
        done.stdout
    )
    assert "2026-12-24,  # Office closed" in path.read_text()
    listed = cli_desk.accord("policy", "holiday", "list", "acme", **env)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.decode().startswith("2026-12-24  Office closed  system ")
    again = cli_desk.accord(
        "policy", "holiday", "add", "acme", "2026-12-24", "--reason", "Office closed", **env
    )
    assert again.returncode == 1
    assert again.stderr.decode().startswith("accord: date: 2026-12-24 is already a holiday")
    bad = cli_desk.accord("policy", "holiday", "add", "acme", "24/12/2026", "--reason", "x", **env)
    assert bad.returncode == 1 and b"accord: date: '24/12/2026' is not a date" in bad.stderr
    blank = cli_desk.accord(
        "policy", "holiday", "add", "acme", "2026-12-23", "--reason", " ", **env
    )
    assert blank.returncode == 1 and blank.stderr.startswith(b"accord: reason: ")
    missing = cli_desk.accord("policy", "holiday", "add", "acme", "2026-12-23", **env)
    assert missing.returncode == 2 and b"--reason" in missing.stderr
    removed = cli_desk.accord(
        "policy", "holiday", "remove", "acme", "2026-12-24", "--reason", "reopened", "--apply",
        **env,
    )  # fmt: skip
    assert removed.returncode == 0, removed.stderr
    assert b"acme: 2026-12-24 is no longer a holiday (reopened)" in removed.stdout
    assert path.read_text() == before
    empty = cli_desk.accord("policy", "holiday", "list", "acme", **env)
    assert empty.stdout == b"acme declares no holidays of its own\n"
    rows = cli_desk.rows(
        "SELECT action FROM audit_auditentry WHERE action LIKE 'policy.holiday_%' ORDER BY id"
    )
    assert rows == [("policy.holiday_add",), ("policy.holiday_remove",)]


OPEN_ACME = """
import django, sys
django.setup()
from django.utils import timezone
from accord.accounts.actor import SYSTEM
from accord.contracts.services import create_contact, create_entitlement, create_organization
from accord.tickets.intake import open_request
from accord.tickets.models import SlaTarget
now = timezone.now()
org = create_organization(SYSTEM, name="Acme Robotics", policy="acme", hosting="hosted", now=now)
who = create_contact(SYSTEM, organization=org.pk, name="Wile", role="administrator", now=now)
create_entitlement(SYSTEM, organization=org.pk, kind="support_agreement", starts=now.date(),
                   ends=None, now=now)
r = open_request(SYSTEM, contact=who.pk, channel="email", level="urgent", subject="Arm stuck",
                 description="The arm stopped.", received=now, now=now)
print(r.display_number, SlaTarget.objects.get(request=r, kind="resolution").due.isoformat())
"""


def test_the_command_moves_an_open_request_s_running_deadline(
    cli_desk: CliDesk, tmp_path: Path
) -> None:
    """The real command on a real open request: declared on the day the resolution
    target is due (a working day, by construction), that deadline moves later."""
    own = tmp_path / "policies"
    own.mkdir()
    acme_policy(own)
    env = {**cli_desk.env, "ACCORD_POLICY_DIR": str(own)}
    opened = subprocess.run([PYTHON, "-c", OPEN_ACME], env=env, capture_output=True, text=True)
    assert opened.returncode == 0, opened.stderr
    number, due_text = opened.stdout.split()
    due = datetime.fromisoformat(due_text)
    local = due.astimezone(ZoneInfo("Pacific/Auckland"))
    args = ("policy", "holiday", "add", "acme", local.date().isoformat(), "--reason", "Storm")
    preview = cli_desk.accord(*args, ACCORD_POLICY_DIR=str(own))
    assert preview.returncode == 0, preview.stderr
    assert f"{number}  resolution: running {local.isoformat()} -> running " in (
        preview.stdout.decode()
    )
    assert _stored_due(cli_desk) == due  # a preview changes nothing
    done = cli_desk.accord(*args, "--apply", ACCORD_POLICY_DIR=str(own))
    assert done.returncode == 0, done.stderr
    assert b"recomputed 1 open requests" in done.stdout
    assert _stored_due(cli_desk) > due


def _stored_due(cli_desk: CliDesk) -> datetime:
    [(text,)] = cli_desk.rows("SELECT due FROM tickets_slatarget WHERE kind = 'resolution'")
    found = datetime.fromisoformat(text)
    return found if found.tzinfo else found.replace(tzinfo=UTC)
