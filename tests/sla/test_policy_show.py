"""`accord policy show|schema|list`, and holidays from an .ics file beside a policy."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from accord.cli import main
from accord.sla.policy import POLICY_DIR, load_policy

REPO = Path(__file__).resolve().parents[2]
NZ = ZoneInfo("Pacific/Auckland")


def run_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """`python -m accord ARGS` in a fresh process, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "accord", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def show(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["policy", "show", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def section(text: str, title: str) -> list[str]:
    """The lines of one `show` section, from its title to the next blank line."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


def test_it_shows_capella_targets_and_the_holidays_of_the_next_12_months() -> None:
    result = run_cli("policy", "show", "capella", "--from", "2026-11-21")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Policy        capella: Capella Customer Support" in out
    assert "Zone          Pacific/Auckland" in out
    urgent = section(out, "urgent: Urgent [5.6]")
    assert any(
        line.split()[:6] == ["first", "response", "any", "time", "business", "1"]
        and "1 business hour" in line
        for line in urgent
    ), urgent
    assert any("resolution" in line and "24 business hours" in line for line in urgent)
    low = section(out, "low: Low [5.6]")
    assert any("no target" in line and "At Capella's discretion" in line for line in low)
    holidays = section(out, "Holidays 2026-11-21 to 2027-11-20")
    assert "2026-12-28  Mon  Boxing Day (observed)" in holidays
    assert "2027-01-04  Mon  Day after New Year's Day (observed)" in holidays
    assert "2027-01-25  Mon  Wellington Anniversary Day" in holidays
    assert not any("2027-11-22" in line or "2026-11-20" in line for line in holidays)
    assert "Mon  09:00-17:00  5.5" in out
    assert "Sat  closed" in out


def test_it_shows_capsure_in_and_after_hours_targets_channels_and_rules(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = show(capsys, "capsure", "--from", "2026-11-01")
    assert (status, err) == (0, "")
    sev1 = section(out, "sev1: Severity 1")
    in_hours = next(line for line in sev1 if "in hours" in line)
    after_hours = next(line for line in sev1 if "after hours" in line)
    assert in_hours.split()[4:6] == ["elapsed", "1"]
    assert after_hours.split()[4:6] == ["elapsed", "2"]
    assert "Emergency resolution via beta file or script." in out
    sev3 = section(out, "sev3: Severity 3")
    assert any("business" in line and "9 business hours" in line for line in sev3)
    assert any("18 business hours" in line for line in section(out, "sev4: Severity 4"))
    phone = next(line for line in out.splitlines() if line.startswith("phone "))
    email = next(line for line in out.splitlines() if line.startswith("email "))
    assert "at receipt, any hour" in phone
    assert "at receipt in hours, else next opening" in email
    assert "120.00 USD/hour  per_incident" in out
    assert "2026-11-26  Thu  Thanksgiving Day" in out
    assert "Business day  9 hours" in out
    assert "On-premises" not in out


def test_it_shows_capella_scope_billing_on_premises_and_intake_rules(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = show(capsys, str(POLICY_DIR / "capella.toml"), "--from", "2027-01-01")
    assert status == 0
    assert "password_reset: Password reset [2.4.1]" in out
    assert '"Forgot your password?"' in out
    assert "Suggested by: password reset (+ 2 patterns)" in out
    assert "Levels stated in mail" in out and "\\bhigh\\W{0,3}priority\\b" in out
    assert "customer_modification" in out and "2.3.1" in out
    assert "120.00 NZD/hour  customer_caused, exception  yes" in out
    assert "installed within 30 days of receipt" in out
    assert "the latest and the 3 before it" in out
    supplies = next(line for line in out.splitlines() if line.startswith("supplies "))
    assert supplies.split()[1:3] == ["yes", "yes"]
    assert "previous_request_number" in out and "when continuing a request" in out
    assert "support_agreement, subscription or trial" in out
    assert "Holidays 2027-01-01 to 2027-12-31" in out
    assert "When contacting support [5.2]:" in out
    assert "Be at the computer where the Capella product is running" in out


def test_it_defaults_the_holidays_to_the_year_from_today(
    capsys: pytest.CaptureFixture[str],
) -> None:
    today = datetime.now(UTC).astimezone(NZ).date()
    status, out, _ = show(capsys, "capella")
    assert status == 0
    assert f"Holidays {today.isoformat()} to " in out


def test_it_fails_show_with_one_line_for_an_unknown_policy(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = show(capsys, "nonesuch")
    assert (status, out) == (1, "")
    assert err == (
        "accord policy show: nonesuch: policy: unknown policy 'nonesuch' "
        "(shipped: capella, capsure)\n"
    )


def test_it_rejects_a_malformed_from_date_as_a_usage_error() -> None:
    result = run_cli("policy", "show", "capella", "--from", "21/11/2026")
    assert result.returncode == 2
    assert "expected a date like 2026-11-21" in result.stderr


def test_it_reads_an_ics_holiday_file_relative_to_the_policy(tmp_path: Path) -> None:
    folder = tmp_path / "policies"
    folder.mkdir()
    text = (POLICY_DIR / "capella.toml").read_text(encoding="utf-8")
    text = text.replace('id = "capella"', 'id = "capella_office"', 1)
    text = text.replace("dates = []", 'dates = []\nics = "office-closures.ics"', 1)
    (folder / "capella-office.toml").write_text(text, encoding="utf-8")
    (folder / "office-closures.ics").write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//accord tests//EN\r\n"
        "BEGIN:VEVENT\r\nUID:retreat-2026@accord.test\r\nDTSTAMP:20260101T000000Z\r\n"
        "DTSTART;VALUE=DATE:20261123\r\nDTEND;VALUE=DATE:20261125\r\n"
        "SUMMARY:Company retreat\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        encoding="utf-8",
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    checked = run_cli("policy", "check", "../policies/capella-office.toml", cwd=elsewhere)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    shown = run_cli(
        "policy", "show", "../policies/capella-office.toml", "--from", "2026-11-21", cwd=elsewhere
    )
    assert shown.returncode == 0, shown.stderr
    assert "2026-11-23  Mon  Company retreat" in shown.stdout
    assert "2026-11-24  Tue  Company retreat" in shown.stdout
    assert "2026-11-25" not in shown.stdout  # DTEND is exclusive
    assert "2026-12-28  Mon  Boxing Day (observed)" in shown.stdout

    policy = load_policy(folder / "capella-office.toml")
    friday_evening = datetime(2026, 11, 20, 18, 0, tzinfo=NZ)
    notice = policy.notice_for("email", friday_evening)
    assert notice == datetime(2026, 11, 25, 9, 0, tzinfo=NZ)
    assert policy.calendar.holidays_between(date(2026, 11, 23), date(2026, 11, 24)) == {
        date(2026, 11, 23): "Company retreat",
        date(2026, 11, 24): "Company retreat",
    }


def test_it_prints_a_json_schema_naming_every_top_level_section() -> None:
    result = run_cli("policy", "schema")
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert list(schema["properties"]) == [
        "policy",
        "calendar",
        "channels",
        "levels",
        "clocks",
        "entitlement",
        "exclusions",
        "exceptions",
        "billing",
        "on_premises",
        "required_fields",
        "guidance",
        "triage",
    ]
    assert set(schema["required"]) == {
        "policy",
        "calendar",
        "channels",
        "levels",
        "clocks",
        "entitlement",
        "guidance",
    }
    channels = schema["properties"]["channels"]
    assert channels["propertyNames"]["enum"] == ["phone", "voicemail", "email", "portal", "api"]
    target = schema["$defs"]["TargetSpec"]
    assert target["properties"]["when"]["enum"] == ["always", "in_hours", "after_hours"]
    assert set(target["required"]) == {"kind", "within", "clause"}


def test_it_lists_the_shipped_policy_names(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "list"]) == 0
    assert capsys.readouterr().out == "capella\ncapsure\n"
