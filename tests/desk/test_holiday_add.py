"""`accord policy holiday add`: a newly declared holiday moves open deadlines at once.

Semantics 5: a calendar correction keeps the version and applies to every open
request on it; verdicts already reached stay. In process on a writable copy of the
shipped policies, and as the real command on an install's own policy file.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest
from intake.support import CliDesk, cli_desk, seeded_template

from accord.audit.models import AuditEntry
from accord.errors import Invalid
from accord.sla import load_policy
from accord.tickets.models import SlaTarget
from accord.tickets.policy_moves import add_holiday

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


def test_the_command_adds_a_holiday_to_the_install_s_own_policy(
    cli_desk: CliDesk, tmp_path: Path
) -> None:
    own = tmp_path / "policies"
    own.mkdir()
    path = acme_policy(own)
    done = cli_desk.accord(
        "policy", "holiday", "add", "acme", "2026-12-24", "--reason", "Office closed",
        ACCORD_POLICY_DIR=str(own),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert b"acme: 2026-12-24 is a holiday (Office closed); recomputed 0 open requests" in (
        done.stdout
    )
    assert "2026-12-24,  # Office closed" in path.read_text()
    again = cli_desk.accord(
        "policy", "holiday", "add", "acme", "2026-12-24", "--reason", "Office closed",
        ACCORD_POLICY_DIR=str(own),
    )  # fmt: skip
    assert again.returncode == 1
    assert again.stderr.decode().startswith("accord: date: 2026-12-24 is already a holiday")
    bad = cli_desk.accord(
        "policy", "holiday", "add", "acme", "24/12/2026", "--reason", "x",
        ACCORD_POLICY_DIR=str(own),
    )  # fmt: skip
    assert bad.returncode == 1 and b"accord: date: '24/12/2026' is not a date" in bad.stderr
    rows = cli_desk.rows("SELECT action FROM audit_auditentry WHERE action = 'policy.holiday_add'")
    assert rows == [("policy.holiday_add",)]
