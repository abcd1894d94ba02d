"""Policy versions (semantics 5): a request keeps the version in force at its notice;
a correction to the current version applies at once; open requests move only
after a preview."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import accord.sla.policy as policy_module
from accord.tickets.intake import open_request
from accord.tickets.models import Request, SlaTarget
from accord.tickets.policy_moves import move_to_version, preview_move, recompute_open
from accord.tickets.targets import evaluate_request

from .personas import Desk, nz

RECEIVED = nz(2026, 11, 23, 10)  # Monday, in support hours; urgent resolution due Thu 10:00


@pytest.fixture
def policy_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of the shipped policies, standing in for the package's."""
    for name in ("capella", "capsure"):
        shutil.copy(policy_module.POLICY_DIR / f"{name}.toml", tmp_path / f"{name}.toml")
    monkeypatch.setattr(policy_module, "POLICY_DIR", tmp_path)
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def _open(desk: Desk, received=RECEIVED) -> Request:  # type: ignore[no-untyped-def]
    return open_request(
        desk.lead, contact=desk.mere.pk, channel="email", level="urgent",
        subject="Crash", description="It crashes.", received=received, now=received,
    )  # fmt: skip


def _new_version(policy_dir: Path) -> None:
    path = policy_dir / "capella.toml"
    _edit(path, 'version = "2022"', 'version = "2027"')
    _edit(path, "effective = 2022-01-01", "effective = 2026-11-01")
    _edit(path, 'within = "24 support hours"\nwording = "24 support hours"',
          'within = "16 support hours"\nwording = "16 support hours"')  # fmt: skip


def _resolution_due(request: Request):  # type: ignore[no-untyped-def]
    ev = evaluate_request(Request.objects.get(pk=request.pk), RECEIVED)
    assert ev.resolution is not None
    return ev.resolution.due


def test_it_keeps_old_requests_on_the_version_of_their_notice(desk: Desk, policy_dir: Path):
    old = _open(desk)
    _new_version(policy_dir)
    new = _open(desk)
    assert (old.policy_version, new.policy_version) == ("2022", "2027")
    assert _resolution_due(old) == nz(2026, 11, 26, 10)
    assert _resolution_due(new) == nz(2026, 11, 25, 10)


def test_it_previews_then_moves_open_requests_to_a_new_version(desk: Desk, policy_dir: Path):
    old = _open(desk)
    _new_version(policy_dir)
    _open(desk)  # records version 2027
    moves, refusals = preview_move("capella", "2027", RECEIVED)
    assert refusals == []
    assert [(m.number, m.kind) for m in moves] == [(old.display_number, "resolution")]
    assert "2026-11-26T10:00:00+13:00" in moves[0].before
    assert "2026-11-25T10:00:00+13:00" in moves[0].after
    assert Request.objects.get(pk=old.pk).policy_version == "2022"  # a preview changes nothing
    move_to_version(desk.lead, old.display_number, "2027", RECEIVED)
    moved = Request.objects.get(pk=old.pk)
    assert moved.policy_version == "2027"
    assert moved.events.filter(kind="policy_version", to="2027").exists()
    assert _resolution_due(moved) == nz(2026, 11, 25, 10)


def test_it_applies_a_holiday_correction_at_once(desk: Desk, policy_dir: Path):
    request = _open(desk)
    _edit(policy_dir / "capella.toml", "dates = []", "dates = [2026-11-24]")
    # Tuesday is now a holiday: the resolution due moves a day, same version.
    assert _resolution_due(request) == nz(2026, 11, 27, 10)
    assert recompute_open("capella", RECEIVED) >= 1
    row = SlaTarget.objects.get(request=request, kind="resolution")
    assert row.due == nz(2026, 11, 27, 10)
    assert Request.objects.get(pk=request.pk).policy_version == "2022"


def test_it_refuses_to_move_to_an_unknown_version(desk: Desk, policy_dir: Path):
    from accord.errors import Invalid

    request = _open(desk)
    with pytest.raises(Invalid) as err:
        move_to_version(desk.lead, request.display_number, "1999", RECEIVED)
    assert err.value.field == "version"
    assert Request.objects.get(pk=request.pk).policy_version == "2022"


def test_it_reads_a_superseded_version_from_the_database_once(desk: Desk, policy_dir: Path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accord.contracts.policy_versions import policy_version

    old = _open(desk)
    _new_version(policy_dir)
    _open(desk)
    first = policy_version("capella", old.policy_version)
    with CaptureQueriesContext(connection) as queries:
        again = policy_version("capella", old.policy_version)
    assert again is first
    assert len(queries) == 0
    assert again.version == "2022"


def test_bulk_lookup_of_versions_agrees_with_the_one_by_one(desk: Desk, policy_dir: Path):
    from datetime import timedelta

    from accord.contracts.policy_versions import version_for_notice, versions_in_force

    _open(desk)  # records version 2022
    _new_version(policy_dir)  # 2027, effective 2026-11-01
    at = versions_in_force("capella", RECEIVED)
    for days in (-800, -40, -23, -22, -21, 0, 30):
        notice = nz(2026, 11, 1, 0) + timedelta(days=days, hours=5)
        policy, version = at(notice)
        want_policy, want_version = version_for_notice("capella", notice, RECEIVED)
        assert (version, policy.version) == (want_version, want_policy.version), days


def test_a_correction_recomputes_every_open_request_as_the_scalar_engine_would(
    desk: Desk, policy_dir: Path, tmp_path: Path
):
    from datetime import timedelta

    from accord.cli import main
    from accord.sla import load_policy
    from accord.tickets.history_sample import sample_records, write_jsonl
    from accord.tickets.replay import recompute
    from accord.tickets.targets import policy_of, row_values

    path = tmp_path / "h.jsonl"
    levels = load_policy("capella").level_ids
    with path.open("w") as stream:
        write_jsonl(sample_records(60, [("Kiwi Ltd", levels, "a@kiwi.example")], RECEIVED), stream)
    assert main(["import", str(path), "--no-progress"]) == 0
    _edit(policy_dir / "capella.toml", "dates = []", "dates = [2026-11-24, 2026-10-20]")
    now = RECEIVED + timedelta(days=2)
    open_ones = Request.objects.filter(policy="capella").exclude(status="closed")
    assert recompute(open_ones, now, size=7) == open_ones.count() > 7
    for request in open_ones:
        ev = evaluate_request(request, now)
        stored = {t.kind: t for t in request.targets.all()}
        for kind, state in ev.targets.items():
            if state is None:
                assert kind not in stored
                continue
            want = row_values(state, now, policy_of(request))
            assert {k: getattr(stored[kind], k) for k in want} == want, request.number
