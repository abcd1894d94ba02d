"""The demo data: a living desk, loaded idempotently."""

from __future__ import annotations

from accord.contracts.models import Organization
from accord.demo import load_demo
from accord.tickets.models import Request, Scope, Status
from accord.tickets.targets import targets_json


def test_it_loads_a_living_desk_with_both_policies_and_every_state(db, settings, tmp_path, clock):
    settings.DATA_DIR = tmp_path
    login = load_demo(clock.at)
    assert login.token.startswith("acc_") and login.password
    assert set(Organization.objects.values_list("policy", flat=True)) == {"capella", "capsure"}
    assert set(Organization.objects.values_list("hosting", flat=True)) == {"hosted", "on_premises"}
    assert set(Request.objects.values_list("status", flat=True)) == set(Status.values)
    assert set(Request.objects.values_list("scope", flat=True)) >= {
        Scope.IN_SCOPE,
        Scope.EXCLUDED,
        Scope.NOT_ENTITLED,
        Scope.AWAITING_UPGRADE,
    }
    states = {
        t["state"]
        for r in Request.objects.all()
        for t in targets_json(r, clock.at).values()
        if t is not None
    }
    assert states == {"running", "paused", "met", "breached"}
    assert Request.objects.exclude(split_from=None).exists()
    assert Request.objects.exclude(merged_into=None).exists()


def test_it_loads_the_demo_only_once(db, settings, tmp_path, clock):
    settings.DATA_DIR = tmp_path
    first = load_demo(clock.at)
    count = Request.objects.count()
    second = load_demo(clock.at)
    assert Request.objects.count() == count
    assert second.password == first.password
