"""An install's own policy (ACCORD_POLICY_DIR) used end to end, and a bad one refused at start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from accord.contracts.policy_dir import check_policy_dir
from accord.sla.policy import POLICY_DIR

from .personas import nz


def acme_policy(directory: Path, *, extra: str = "") -> Path:
    """Capella's text as a vendor's own contract: id acme, urgent answered within 3 hours."""
    text = (POLICY_DIR / "capella.toml").read_text()
    text = text.replace('id = "capella"', 'id = "acme"', 1)
    text = text.replace(
        'kind = "first_response"\nwithin = "1 support hour"',
        'kind = "first_response"\nwithin = "3 support hours"',
        1,
    )
    text = text.replace("[levels.urgent]\n", "[levels.urgent]\n" + extra, 1)
    path = directory / "acme.toml"
    path.write_text(text)
    return path


def test_an_organisation_runs_on_the_install_s_own_policy(
    desk, api_as, clock, tmp_path, monkeypatch
) -> None:
    acme_policy(tmp_path)
    monkeypatch.setenv("ACCORD_POLICY_DIR", str(tmp_path))
    assert check_policy_dir(tmp_path) == []
    lead = api_as(desk.lead_token)
    org = lead.post("/organizations", {"name": "Acme Robotics", "policy": "acme"})
    assert org.status_code == 201, org.content
    org_id = org.json()["id"]
    contact = lead.post(
        "/contacts", {"organization": org_id, "name": "Wile", "role": "administrator"}
    )
    assert contact.status_code == 201, contact.content
    ent = lead.post(
        "/entitlements",
        {"organization": org_id, "kind": "support_agreement", "starts": "2026-01-01"},
    )
    assert ent.status_code == 201, ent.content
    r = lead.post(
        "/requests",
        {
            "contact": contact.json()["id"],
            "channel": "email",
            "received": nz(2026, 11, 20, 16, 30).isoformat(),
            "level": "urgent",
            "subject": "Arm stuck",
            "description": "The arm stopped mid-weld.",
        },
    )
    assert r.status_code == 201, r.content
    # Capella's 1 support hour is Mon 09:30; acme's 3 support hours are Mon 11:30.
    assert r.json()["targets"]["first_response"]["due"] == "2026-11-23T11:30:00+13:00"
    unknown = lead.post("/organizations", {"name": "Road Runner", "policy": "roadrunner"})
    assert unknown.status_code == 422 and unknown.json()["field"] == "policy"


def test_a_bad_policy_file_stops_start_up_naming_file_line_and_field(tmp_path: Path) -> None:
    path = acme_policy(tmp_path, extra="respond = 3\n")
    line = path.read_text().splitlines().index("respond = 3") + 1
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(ACCORD_DATA_DIR=str(tmp_path / "data"), ACCORD_POLICY_DIR=str(tmp_path))
    run = subprocess.run(
        [sys.executable, "-m", "accord", "user", "list"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1
    assert run.stderr == (
        f"accord: configuration error: ACCORD_POLICY_DIR: {path}:{line}: "
        "levels.urgent.respond: unknown key (not part of the policy format)\n"
    )


@pytest.mark.parametrize(
    ("name", "policy_id", "expected"),
    [
        ("capella.toml", "capella", "'capella' is a shipped policy; rename the file"),
        ("acme.toml", "other", "policy.id: 'other' must match the file name 'acme'"),
    ],
)
def test_it_refuses_a_shadowed_or_misnamed_policy(tmp_path, name, policy_id, expected) -> None:
    text = (
        (POLICY_DIR / "capella.toml")
        .read_text()
        .replace('id = "capella"', f'id = "{policy_id}"', 1)
    )
    (tmp_path / name).write_text(text)
    (problem,) = check_policy_dir(tmp_path)
    assert problem.startswith(f"{tmp_path / name}:") and problem.endswith(expected)
